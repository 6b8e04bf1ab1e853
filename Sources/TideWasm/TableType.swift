/// A table's element type and limits (in elements).
public struct TableType: Sendable, Hashable, CustomStringConvertible {
    public var elementType: ReferenceType
    public var limits: Limits

    public init(elementType: ReferenceType, limits: Limits) {
        self.elementType = elementType
        self.limits = limits
    }

    public var watDescription: String { "(table \(limits.watDescription) \(elementType.watName))" }

    public var description: String { watDescription }
}
