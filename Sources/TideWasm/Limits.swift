/// The size bounds of a memory (in 64 KiB pages) or of a table (in elements).
public struct Limits: Sendable, Hashable, CustomStringConvertible {
    public var minimum: UInt32
    public var maximum: UInt32?

    public init(minimum: UInt32, maximum: UInt32? = nil) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// `1 2` or `1`, as written inside a WAT `memory` or `table` clause.
    public var watDescription: String {
        if let maximum { "\(minimum) \(maximum)" } else { "\(minimum)" }
    }

    public var description: String { watDescription }
}
