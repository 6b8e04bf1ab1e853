/// One line of `/proc/<pid>/maps`, and the choice of mappings whose clean pages can be handed
/// back to the kernel. Pure functions, tested on fixed text.
public struct ProcessMapping: Sendable, Equatable {
    public var start: UInt
    public var end: UInt
    public var permissions: String
    public var inode: UInt64
    public var path: String

    public init(start: UInt, end: UInt, permissions: String, inode: UInt64, path: String) {
        self.start = start
        self.end = end
        self.permissions = permissions
        self.inode = inode
        self.path = path
    }

    public var isWritable: Bool { permissions.dropFirst().first == "w" }
    public var isReadable: Bool { permissions.first == "r" }

    /// A mapping of a file (the executable, a shared library) that this process cannot write:
    /// its pages either still equal the file (clean, reloadable) or were relocated at start
    /// (private copies, never released).
    public var isReadOnlyFile: Bool { isReadable && !isWritable && inode != 0 && path.hasPrefix("/") }

    /// Parses `start-end perms offset dev inode [path]`; nil for anything else.
    public static func parse(line: Substring) -> ProcessMapping? {
        let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count >= 5 else { return nil }
        let bounds = fields[0].split(separator: "-")
        guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
            start < end, fields[1].count == 4, let inode = UInt64(fields[4])
        else { return nil }
        let path = fields.count == 6 ? String(fields[5].drop(while: { $0 == " " })) : ""
        return ProcessMapping(start: start, end: end, permissions: String(fields[1]), inode: inode, path: path)
    }

    public static func parse(maps text: String) -> [ProcessMapping] {
        text.split(separator: "\n").compactMap { parse(line: $0) }
    }

    /// Read-only mappings of the executable and the shared libraries: files that are also mapped
    /// executable. Data files some library mapped are left alone (one truncated on disk would
    /// fault when reloaded).
    public static func loadedObjectPages(_ mappings: [ProcessMapping]) -> [ProcessMapping] {
        let objects = Set(mappings.filter { $0.permissions.dropFirst(2).first == "x" && $0.inode != 0 }.map(\.path))
        return mappings.filter { $0.isReadOnlyFile && objects.contains($0.path) }
    }
}

/// Decoding of `/proc/<pid>/pagemap` entries (one little-endian UInt64 per page).
public enum PageMapEntry {
    static let present: UInt64 = 1 << 63
    static let fileOrSharedAnonymous: UInt64 = 1 << 61

    /// Present and still the file's page: dropping it loses nothing, touching it again reloads it
    /// from the page cache. A page copied on write (relocated data) has the file bit cleared.
    public static func isCleanFilePage(_ entry: UInt64) -> Bool {
        entry & present != 0 && entry & fileOrSharedAnonymous != 0
    }

    /// Runs of consecutive clean file pages, as (first page index, page count).
    public static func cleanRuns(_ entries: some Sequence<UInt64>) -> [(first: Int, count: Int)] {
        var runs: [(first: Int, count: Int)] = []
        var open: (first: Int, count: Int)?
        for (index, entry) in entries.enumerated() {
            if isCleanFilePage(entry) {
                if let current = open { open = (current.first, current.count + 1) } else { open = (index, 1) }
            } else if let current = open {
                runs.append(current)
                open = nil
            }
        }
        if let open { runs.append(open) }
        return runs
    }
}
