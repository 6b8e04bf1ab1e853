import TideLiquid

/// A whole snapshot waiting for its delta: its memory in page-aligned memory of its own
/// (`mapped`, and `snapshot.memory` empty) where the system gives that and the memory is large
/// enough to matter, so that the restore in the pause moves the pages instead of copying them.
struct StagedState: Sendable {
    var snapshot: InstanceSnapshot
    var mapped: MappedMemory?

    /// Smaller memory is copied about as fast as its pages are moved.
    static let mappedMinimumBytes = 1 << 20

    /// `snapshot` as it is (a whole move restores it at once).
    init(_ snapshot: InstanceSnapshot) {
        self.snapshot = snapshot
    }

    /// `snapshot` to be kept for a delta: its memory moves into a mapping of its own.
    init(staging snapshot: InstanceSnapshot) {
        self.snapshot = snapshot
        guard snapshot.memory.count >= Self.mappedMinimumBytes,
            let mapped = snapshot.memory.withUnsafeBytes({ MappedMemory(copying: $0) })
        else { return }
        self.mapped = mapped
        self.snapshot.memory = []
    }

    var memoryBytes: Int { mapped?.count ?? snapshot.memory.count }

    /// Turns it into the state `delta` was taken from (the delta names this snapshot as its base).
    mutating func apply(_ delta: SnapshotDelta) throws(SnapshotError) {
        guard let mapped else {
            try delta.apply(to: &snapshot)
            return
        }
        let pageBytes = InstanceSnapshot.pageBytes
        try delta.check(module: snapshot.module, moduleDigest: snapshot.moduleDigest, basePages: mapped.count / pageBytes)
        guard mapped.grow(to: delta.pageCount * pageBytes) else {
            throw .incompatible("its staged memory cannot grow to \(delta.pageCount) pages on this device")
        }
        try mapped.withBytes { bytes throws(SnapshotError) in try delta.writePages(into: bytes) }
        snapshot.takenAt = delta.takenAt
        snapshot.globals = delta.globals
        snapshot.files = delta.files
    }
}
