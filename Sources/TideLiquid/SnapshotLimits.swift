/// What a snapshot may hold, checked before anything is decoded or restored.
public struct SnapshotLimits: Sendable, Equatable {
    /// The largest linear memory (default 64 MiB).
    public var maxMemoryBytes: Int
    /// The most exported mutable globals.
    public var maxGlobals: Int
    /// The most files of the instance's directory, and their bytes in all.
    public var maxFiles: Int
    public var maxFileBytes: Int

    public static let defaultMaxGlobals = 1024
    public static let `default` = SnapshotLimits(maxMemoryBytes: 64 << 20)
    /// The header (module name, digest, globals, file paths) is small; more is not a snapshot.
    public static let maxHeaderBytes = 256 << 10
    public static let maxPathBytes = 1024
    public static let maxPathDepth = 8

    /// `maxFileBytes` defaults to a quarter of the memory limit.
    public init(
        maxMemoryBytes: Int, maxGlobals: Int = SnapshotLimits.defaultMaxGlobals, maxFiles: Int = 256, maxFileBytes: Int? = nil
    ) {
        self.maxMemoryBytes = maxMemoryBytes
        self.maxGlobals = maxGlobals
        self.maxFiles = maxFiles
        self.maxFileBytes = maxFileBytes ?? maxMemoryBytes / 4
    }

    /// The largest encoded snapshot these limits allow.
    public var maxEncodedBytes: Int {
        SnapshotCoding.fixedBytes + Self.maxHeaderBytes + maxMemoryBytes + maxMemoryBytes / InstanceSnapshot.pageBytes + 1
            + maxFileBytes
    }
}
