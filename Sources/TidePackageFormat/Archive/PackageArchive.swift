/// A package as files keyed by canonical relative path (`package.yaml`, `fibo.wasm`, `data/model.bin`),
/// read from or written to a tar archive.
public struct PackageArchive: Sendable, Hashable {
    public var files: [String: [UInt8]]

    public init(files: [String: [UInt8]]) {
        self.files = files
    }

    /// Reads a POSIX ustar, pax or GNU tar archive holding regular files and folders. A single
    /// folder that holds everything (as `tar -cf fibo.tar fibo` makes) is stripped.
    public init(tar bytes: [UInt8], limits: PackageArchiveLimits = PackageArchiveLimits()) throws(PackageArchiveError) {
        var reader = TarReader(bytes: bytes, limits: limits)
        let entries = try reader.readEntries()
        self.files = try Self.assemble(entries)
    }

    public var totalSize: Int { files.values.reduce(0) { $0 + $1.count } }

    private static func assemble(_ entries: [TarEntry]) throws(PackageArchiveError) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        var folders: Set<String> = []
        for entry in entries {
            if entry.isDirectory {
                if files[entry.path] != nil { throw PackageArchiveError(entry: entry.rawName, reason: .duplicate) }
                folders.insert(entry.path)
            } else {
                if files[entry.path] != nil || folders.contains(entry.path) {
                    throw PackageArchiveError(entry: entry.rawName, reason: .duplicate)
                }
                files[entry.path] = entry.contents
            }
        }
        for entry in entries {
            var parent = entry.path
            while let slash = parent.lastIndex(of: "/") {
                parent = String(parent[..<slash])
                if files[parent] != nil {
                    throw PackageArchiveError(entry: entry.rawName, reason: .parentIsAFile(parent))
                }
            }
        }
        if files.isEmpty { throw PackageArchiveError(entry: nil, reason: .empty) }
        return stripCommonFolder(files, folders: folders)
    }

    private static func stripCommonFolder(_ files: [String: [UInt8]], folders: Set<String>) -> [String: [UInt8]] {
        let paths = Array(files.keys) + Array(folders)
        let tops = Set(paths.map { $0.split(separator: "/", maxSplits: 1)[0] })
        guard tops.count == 1, let top = tops.first, files.keys.allSatisfy({ $0.contains("/") }) else { return files }
        let prefixLength = top.count + 1
        return Dictionary(uniqueKeysWithValues: files.map { (String($0.key.dropFirst(prefixLength)), $0.value) })
    }
}
