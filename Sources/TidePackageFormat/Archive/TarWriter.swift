/// Writes POSIX ustar archives of regular files: sorted paths, mode 0644, owner 0, time 0, so the
/// same files always give the same bytes. Paths that do not fit the ustar fields get a pax header.
struct TarWriter {
    private(set) var bytes: [UInt8] = []

    mutating func appendFile(path: String, contents: [UInt8]) {
        let name = Array(path.utf8)
        let split = Self.ustarSplit(name)
        if split == nil || contents.count > Self.maximumOctalSize {
            var records: [UInt8] = []
            if split == nil { records += Self.paxRecord("path", name) }
            if contents.count > Self.maximumOctalSize { records += Self.paxRecord("size", Array(String(contents.count).utf8)) }
            let paxName = Array(("PaxHeader/" + (path.split(separator: "/").last.map(String.init) ?? "file")).utf8.prefix(100))
            appendHeader(name: paxName, prefix: [], size: records.count, typeFlag: TarHeader.TypeFlag.paxExtended)
            appendPadded(records)
        }
        let (prefix, shortName) = split ?? ([], Array(name.suffix(100)))
        appendHeader(name: shortName, prefix: prefix, size: contents.count, typeFlag: TarHeader.TypeFlag.regular)
        appendPadded(contents)
    }

    mutating func finish() {
        bytes += [UInt8](repeating: 0, count: 2 * TarHeader.blockSize)
    }

    private static let maximumOctalSize = 0o77777777777

    /// Splits a path into ustar's prefix (155 bytes) and name (100 bytes) at a slash, if it fits.
    private static func ustarSplit(_ path: [UInt8]) -> (prefix: [UInt8], name: [UInt8])? {
        if path.count <= 100 { return ([], path) }
        for index in path.indices.reversed() where path[index] == UInt8(ascii: "/") {
            let prefix = Array(path[..<index]), name = Array(path[(index + 1)...])
            if name.count > 100 { return nil }
            if prefix.count <= 155 && !name.isEmpty { return (prefix, name) }
        }
        return nil
    }

    private static func paxRecord(_ key: String, _ value: [UInt8]) -> [UInt8] {
        let body = [UInt8(ascii: " ")] + Array(key.utf8) + [UInt8(ascii: "=")] + value + [UInt8(ascii: "\n")]
        var length = body.count + 1
        while String(length).utf8.count + body.count != length { length = String(length).utf8.count + body.count }
        return Array(String(length).utf8) + body
    }

    private mutating func appendHeader(name: [UInt8], prefix: [UInt8], size: Int, typeFlag: UInt8) {
        var block = [UInt8](repeating: 0, count: TarHeader.blockSize)
        func put(_ value: [UInt8], at start: Int) {
            for (index, byte) in value.enumerated() { block[start + index] = byte }
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(min(size, Self.maximumOctalSize), width: 12), at: 124)
        put(octal(0, width: 12), at: 136)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        block[156] = typeFlag
        put(Array("ustar\0".utf8), at: 257)
        put(Array("00".utf8), at: 263)
        put(prefix, at: 345)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7) + [UInt8(ascii: " ")], at: 148)
        bytes += block
    }

    private mutating func appendPadded(_ data: [UInt8]) {
        bytes += data
        let remainder = data.count % TarHeader.blockSize
        if remainder != 0 { bytes += [UInt8](repeating: 0, count: TarHeader.blockSize - remainder) }
    }
}
