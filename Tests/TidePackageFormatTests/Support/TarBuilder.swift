/// Writes raw tar headers with any name, type and size, for archives no honest tool produces.
struct TarBuilder {
    private(set) var bytes: [UInt8] = []

    mutating func entry(
        _ name: String, type: Character = "0", contents: [UInt8] = [], declaredSize: Int? = nil,
        link: String = "", prefix: String = ""
    ) {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ value: [UInt8], at start: Int) {
            for (index, byte) in value.enumerated() where start + index < block.count { block[start + index] = byte }
        }
        func octal(_ value: Int, _ width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(Array(name.utf8.prefix(100)), at: 0)
        put(octal(0o644, 8), at: 100)
        put(octal(0, 8), at: 108)
        put(octal(0, 8), at: 116)
        put(octal(declaredSize ?? contents.count, 12), at: 124)
        put(octal(0, 12), at: 136)
        put(Array(repeating: 0x20, count: 8), at: 148)
        block[156] = type.asciiValue ?? 0
        put(Array(link.utf8.prefix(100)), at: 157)
        put(Array("ustar\0".utf8) + Array("00".utf8), at: 257)
        put(Array(prefix.utf8.prefix(155)), at: 345)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(octal(checksum, 7) + [0x20], at: 148)
        bytes += block + contents
        if contents.count % 512 != 0 { bytes += [UInt8](repeating: 0, count: 512 - contents.count % 512) }
    }

    mutating func end() {
        bytes += [UInt8](repeating: 0, count: 1024)
    }

    static func archive(_ build: (inout TarBuilder) -> Void) -> [UInt8] {
        var builder = TarBuilder()
        build(&builder)
        builder.end()
        return builder.bytes
    }
}
