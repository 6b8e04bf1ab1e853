/// Bounds on an uploaded package.
public struct PackageArchiveLimits: Sendable, Hashable {
    /// The largest sum of file sizes accepted.
    public var maximumTotalSize: Int
    public var maximumFileCount: Int
    public var maximumPathLength: Int

    public init(maximumTotalSize: Int = 256 * 1024 * 1024, maximumFileCount: Int = 1000, maximumPathLength: Int = 1024) {
        self.maximumTotalSize = maximumTotalSize
        self.maximumFileCount = maximumFileCount
        self.maximumPathLength = maximumPathLength
    }
}
