/// Walks the blocks of a tar archive, applying pax and GNU long-name headers to the entry they
/// precede, and rejects everything but regular files and folders.
struct TarReader {
    let bytes: [UInt8]
    let limits: PackageArchiveLimits
    private var offset = 0
    private var totalSize = 0
    private var fileCount = 0
    private var pendingPath: [UInt8]?
    private var pendingLinkPath: [UInt8]?
    private var pendingSize: Int?
    private var hasPending: Bool { pendingPath != nil || pendingLinkPath != nil || pendingSize != nil }

    init(bytes: [UInt8], limits: PackageArchiveLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    /// Reads up to the end-of-archive marker (an all-zero block); an upload that stops before it
    /// was cut short and is refused, even when it stops on a block boundary.
    mutating func readEntries() throws(PackageArchiveError) -> [TarEntry] {
        var entries: [TarEntry] = []
        while true {
            let remaining = bytes.count - offset
            if remaining < TarHeader.blockSize {
                if hasPending { throw PackageArchiveError(entry: nil, reason: .extendedHeaderWithoutEntry) }
                throw PackageArchiveError(
                    entry: nil, reason: .truncated(needed: TarHeader.blockSize - remaining, available: remaining))
            }
            guard let header = try TarHeader.read(bytes, at: offset) else { break }
            offset += TarHeader.blockSize
            if let entry = try entry(for: header) { entries.append(entry) }
        }
        if hasPending { throw PackageArchiveError(entry: nil, reason: .extendedHeaderWithoutEntry) }
        return entries
    }

    private mutating func entry(for header: TarHeader) throws(PackageArchiveError) -> TarEntry? {
        let rawPath = pendingPath ?? header.name
        let name = String(decoding: rawPath, as: UTF8.self)
        let size = pendingSize ?? header.size
        let flag = header.typeFlag
        typealias Flag = TarHeader.TypeFlag

        switch flag {
        case Flag.paxExtended:
            try applyExtendedHeader(try content(size: header.size, entry: name), entry: name)
            return nil
        case Flag.paxGlobal:
            _ = try content(size: header.size, entry: name)
            return nil
        case Flag.gnuLongName:
            pendingPath = Array(try content(size: header.size, entry: name).prefix { $0 != 0 })
            return nil
        case Flag.gnuLongLink:
            pendingLinkPath = Array(try content(size: header.size, entry: name).prefix { $0 != 0 })
            return nil
        default:
            break
        }

        let target = String(decoding: pendingLinkPath ?? header.linkName, as: UTF8.self)
        pendingPath = nil
        pendingLinkPath = nil
        pendingSize = nil
        switch flag {
        case Flag.regular, Flag.regularOld, Flag.contiguous, Flag.directory: break
        case Flag.symbolicLink: throw PackageArchiveError(entry: name, reason: .link(kind: "symbolic link", target: target))
        case Flag.hardLink: throw PackageArchiveError(entry: name, reason: .link(kind: "hard link", target: target))
        case Flag.characterDevice: throw PackageArchiveError(entry: name, reason: .special(kind: "character device"))
        case Flag.blockDevice: throw PackageArchiveError(entry: name, reason: .special(kind: "block device"))
        case Flag.fifo: throw PackageArchiveError(entry: name, reason: .special(kind: "named pipe (FIFO)"))
        default: throw PackageArchiveError(entry: name, reason: .unsupportedType(flag))
        }

        guard String(validating: rawPath, as: UTF8.self) != nil else {
            throw PackageArchiveError(entry: name, reason: .pathNotUTF8)
        }
        guard rawPath.count <= limits.maximumPathLength else {
            throw PackageArchiveError(entry: name, reason: .pathTooLong(limit: limits.maximumPathLength))
        }
        let isDirectory = flag == Flag.directory || (flag == Flag.regularOld && name.hasSuffix("/"))
        let path: String
        switch PackagePath.normalize(name) {
        case .success(let normalized): path = normalized
        case .failure(.empty) where isDirectory:
            _ = try content(size: size, entry: name)
            return nil
        case .failure(let problem): throw PackageArchiveError(entry: name, reason: .invalidPath(problem))
        }
        if isDirectory {
            _ = try content(size: size, entry: name)
            return TarEntry(rawName: name, path: path, isDirectory: true, contents: [])
        }
        fileCount += 1
        if fileCount > limits.maximumFileCount {
            throw PackageArchiveError(entry: name, reason: .tooManyFiles(limit: limits.maximumFileCount))
        }
        if size > limits.maximumTotalSize - totalSize {
            throw PackageArchiveError(entry: name, reason: .tooLarge(limit: limits.maximumTotalSize))
        }
        totalSize += size
        return TarEntry(rawName: name, path: path, isDirectory: false, contents: try content(size: size, entry: name))
    }

    /// The `size` bytes after the current header; moves past them and their padding to a whole
    /// block, both of which must be there.
    private mutating func content(size: Int, entry: String) throws(PackageArchiveError) -> [UInt8] {
        let available = bytes.count - offset
        let padding = (TarHeader.blockSize - size % TarHeader.blockSize) % TarHeader.blockSize
        guard size <= available, padding <= available - size else {
            let needed = size <= available ? padding - (available - size) : size - available + padding
            throw PackageArchiveError(entry: entry, reason: .truncated(needed: needed, available: available))
        }
        let contents = Array(bytes[offset..<offset + size])
        offset += size + padding
        return contents
    }

    /// Pax records: `<length> <key>=<value>\n`, the length counting the whole record.
    private mutating func applyExtendedHeader(_ data: [UInt8], entry: String) throws(PackageArchiveError) {
        var index = 0
        while index < data.count {
            if data[index] == 0 { break }
            guard let space = data[index...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: data[index..<space], as: UTF8.self)),
                  length > space - index, length <= data.count - index,
                  data[index + length - 1] == UInt8(ascii: "\n")
            else {
                throw PackageArchiveError(entry: entry, reason: .invalidExtendedHeader("malformed record at byte \(index)"))
            }
            let record = data[(space + 1)..<(index + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else {
                throw PackageArchiveError(entry: entry, reason: .invalidExtendedHeader("record without \"=\""))
            }
            let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
            let value = Array(record[(equals + 1)...])
            switch key {
            case "path": pendingPath = value
            case "linkpath": pendingLinkPath = value
            case "size":
                guard let size = Int(String(decoding: value, as: UTF8.self)), size >= 0 else {
                    throw PackageArchiveError(entry: entry, reason: .invalidExtendedHeader("invalid size"))
                }
                pendingSize = size
            default: break
            }
            index += length
        }
    }
}
