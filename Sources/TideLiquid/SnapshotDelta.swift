import Foundation
import TidePackageFormat

/// An instance's state as its changes since an earlier snapshot of it (the base, named by the
/// base file's digest): the pages that differ, and the globals and files in full. A pre-copied
/// move sends the base while calls still run and only this while they wait.
public struct SnapshotDelta: Sendable, Equatable {
    /// A page that differs from the base.
    public struct Page: Sendable, Equatable {
        public var index: Int
        /// The page's 64 KiB, or empty for a page of zeros.
        public var bytes: [UInt8]

        public init(index: Int, bytes: [UInt8]) {
            self.index = index
            self.bytes = bytes
        }
    }

    /// The digest of the base snapshot file.
    public var base: BlobDigest
    public var module: String
    public var moduleDigest: BlobDigest
    public var takenAt: Date
    /// The memory's size in 64 KiB pages (never fewer than the base's: memory only grows).
    public var pageCount: Int
    /// In ascending index order, each below `pageCount`.
    public var pages: [Page]
    public var globals: [String: SnapshotGlobal]
    public var files: [SnapshotFile]

    public init(
        base: BlobDigest, module: String, moduleDigest: BlobDigest, takenAt: Date, pageCount: Int, pages: [Page],
        globals: [String: SnapshotGlobal], files: [SnapshotFile] = []
    ) {
        self.base = base
        self.module = module
        self.moduleDigest = moduleDigest
        self.takenAt = takenAt
        self.pageCount = pageCount
        self.pages = pages
        self.globals = globals
        self.files = files
    }

    /// The bytes of the changed pages.
    public var changedBytes: Int { pages.count * InstanceSnapshot.pageBytes }

    /// The index of the first page that is out of order, not below `pageCount` or not 64 KiB (nor
    /// empty), if any.
    var misplacedPage: Int? {
        var previous = -1
        for page in pages {
            guard page.index > previous, page.index < pageCount, page.bytes.isEmpty || page.bytes.count == InstanceSnapshot.pageBytes
            else { return page.index }
            previous = page.index
        }
        return nil
    }

    /// Turns `base` (the snapshot this delta names) into the state the delta was taken from, in
    /// place: the base's memory is not copied when the caller holds the only reference to it.
    public func apply(to base: inout InstanceSnapshot) throws(SnapshotError) {
        let pageBytes = InstanceSnapshot.pageBytes
        try check(module: base.module, moduleDigest: base.moduleDigest, basePages: base.memory.count / pageBytes)
        if pageCount * pageBytes > base.memory.count {
            base.memory.append(contentsOf: repeatElement(0, count: pageCount * pageBytes - base.memory.count))
        }
        try base.memory.withUnsafeMutableBytes { bytes in Result { () throws(SnapshotError) in try writePages(into: bytes) } }.get()
        base.takenAt = takenAt
        base.globals = globals
        base.files = files
    }

    /// Whether it applies to a base of `module` with `basePages` pages of memory.
    public func check(module: String, moduleDigest: BlobDigest, basePages: Int) throws(SnapshotError) {
        guard module == self.module, moduleDigest == self.moduleDigest else {
            throw .otherModule("its base was taken from \(module) \(moduleDigest.hex.prefix(12)), the changes from \(self.module) \(self.moduleDigest.hex.prefix(12))")
        }
        guard pageCount >= basePages else {
            throw .incompatible("its memory (\(pageCount) pages) is smaller than its base's (\(basePages) pages)")
        }
        if let bad = misplacedPage {
            throw .damaged("its changed page \(bad) is out of order, out of range or not 64 KiB")
        }
    }

    /// Writes the changed pages into `memory`, the base's memory grown to `pageCount` pages (after
    /// `check`).
    public func writePages(into memory: UnsafeMutableRawBufferPointer) throws(SnapshotError) {
        let pageBytes = InstanceSnapshot.pageBytes
        guard memory.count == pageCount * pageBytes else {
            throw .incompatible("its memory (\(pageCount) pages) is not the \(memory.count / pageBytes) pages it is written into")
        }
        for page in pages {
            let target = UnsafeMutableRawBufferPointer(rebasing: memory[(page.index * pageBytes)..<((page.index + 1) * pageBytes)])
            if page.bytes.isEmpty {
                target.initializeMemory(as: UInt8.self, repeating: 0)
            } else {
                page.bytes.withUnsafeBytes { target.copyMemory(from: $0) }
            }
        }
    }
}
