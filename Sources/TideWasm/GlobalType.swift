/// A global's value type and mutability.
public struct GlobalType: Sendable, Hashable, CustomStringConvertible {
    public var valueType: ValueType
    public var isMutable: Bool

    public init(valueType: ValueType, isMutable: Bool) {
        self.valueType = valueType
        self.isMutable = isMutable
    }

    public var watDescription: String {
        isMutable ? "(global (mut \(valueType.watName)))" : "(global \(valueType.watName))"
    }

    public var description: String { watDescription }
}
