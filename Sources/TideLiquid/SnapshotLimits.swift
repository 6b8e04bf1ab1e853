/// What a snapshot may hold, checked before anything is decoded or restored.
public struct SnapshotLimits: Sendable, Equatable {
    /// The largest linear memory (default 64 MiB).
    public var maxMemoryBytes: Int
    /// The most exported mutable globals.
    public var maxGlobals: Int

    public static let `default` = SnapshotLimits(maxMemoryBytes: 64 << 20, maxGlobals: 1024)
    /// The header (module name, digest, globals) is small; more is not a snapshot.
    public static let maxHeaderBytes = 256 << 10

    public init(maxMemoryBytes: Int, maxGlobals: Int) {
        self.maxMemoryBytes = maxMemoryBytes
        self.maxGlobals = maxGlobals
    }

    /// The largest encoded snapshot these limits allow.
    public var maxEncodedBytes: Int {
        SnapshotCoding.fixedBytes + Self.maxHeaderBytes + maxMemoryBytes + maxMemoryBytes / InstanceSnapshot.pageBytes + 1
    }
}
