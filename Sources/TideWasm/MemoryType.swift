/// A linear memory's limits (in 64 KiB pages) and whether it is shared (threads proposal).
public struct MemoryType: Sendable, Hashable, CustomStringConvertible {
    /// The largest number of pages a 32-bit memory can have (4 GiB).
    public static let maximumPages: UInt32 = 65_536
    public static let pageSize = 65_536

    public var limits: Limits
    public var isShared: Bool

    public init(limits: Limits, isShared: Bool = false) {
        self.limits = limits
        self.isShared = isShared
    }

    /// The initial size in bytes.
    public var minimumBytes: UInt64 { UInt64(limits.minimum) * UInt64(Self.pageSize) }

    /// The maximum size in bytes, if the module declares one.
    public var maximumBytes: UInt64? { limits.maximum.map { UInt64($0) * UInt64(Self.pageSize) } }

    public var watDescription: String {
        "(memory \(limits.watDescription)\(isShared ? " shared" : ""))"
    }

    public var description: String { watDescription }
}
