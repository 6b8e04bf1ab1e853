/// The fields of one 512-byte tar header block (POSIX ustar, GNU and v7 layouts).
struct TarHeader {
    static let blockSize = 512

    enum TypeFlag {
        static let regular = UInt8(ascii: "0")
        static let regularOld: UInt8 = 0
        static let hardLink = UInt8(ascii: "1")
        static let symbolicLink = UInt8(ascii: "2")
        static let characterDevice = UInt8(ascii: "3")
        static let blockDevice = UInt8(ascii: "4")
        static let directory = UInt8(ascii: "5")
        static let fifo = UInt8(ascii: "6")
        static let contiguous = UInt8(ascii: "7")
        static let paxExtended = UInt8(ascii: "x")
        static let paxGlobal = UInt8(ascii: "g")
        static let gnuLongName = UInt8(ascii: "L")
        static let gnuLongLink = UInt8(ascii: "K")
    }

    var name: [UInt8]
    var size: Int
    var typeFlag: UInt8
    var linkName: [UInt8]

    /// Reads the header at `offset`; nil for an all-zero block (the end-of-archive marker).
    static func read(_ bytes: [UInt8], at offset: Int) throws(PackageArchiveError) -> TarHeader? {
        let block = bytes[offset..<offset + blockSize]
        if block.allSatisfy({ $0 == 0 }) { return nil }
        guard checksumMatches(block) else {
            throw PackageArchiveError(entry: nil, reason: .notATarHeader(offset: offset))
        }
        let name = field(block, 0, 100)
        let entry = String(decoding: name, as: UTF8.self)
        guard let size = number(block, 124, 12) else {
            throw PackageArchiveError(entry: entry, reason: .invalidNumber(field: "size"))
        }
        let isPOSIX = Array(block[(offset + 257)..<(offset + 263)]) == Array("ustar\0".utf8)
        let prefix = isPOSIX ? field(block, 345, 155) : []
        return TarHeader(
            name: prefix.isEmpty ? name : prefix + [UInt8(ascii: "/")] + name,
            size: size,
            typeFlag: block[offset + 156],
            linkName: field(block, 157, 100))
    }

    private static func field(_ block: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> [UInt8] {
        let base = block.startIndex + start
        return Array(block[base..<base + length].prefix { $0 != 0 })
    }

    /// Octal digits padded with spaces or NULs, or GNU's base-256 form (first byte's high bit set).
    private static func number(_ block: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> Int? {
        let base = block.startIndex + start
        let raw = block[base..<base + length]
        if let first = raw.first, first & 0x80 != 0 {
            guard first == 0x80 else { return nil }
            var value = 0
            for byte in raw.dropFirst() {
                guard value <= (Int.max >> 8) else { return nil }
                value = value << 8 | Int(byte)
            }
            return value
        }
        let digits = raw.drop { $0 == UInt8(ascii: " ") }.prefix { $0 != 0 && $0 != UInt8(ascii: " ") }
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit), value <= (Int.max >> 3) else { return nil }
            value = value << 3 | Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    /// The stored checksum is the sum of the header with its own field read as spaces; some old
    /// writers summed signed bytes.
    private static func checksumMatches(_ block: ArraySlice<UInt8>) -> Bool {
        guard let stored = number(block, 148, 8) else { return false }
        var unsigned = 0
        var signed = 0
        for (index, byte) in block.enumerated() {
            let value = (148..<156).contains(index) ? UInt8(ascii: " ") : byte
            unsigned += Int(value)
            signed += Int(Int8(bitPattern: value))
        }
        return stored == unsigned || stored == signed
    }
}
