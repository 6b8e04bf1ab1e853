/// The element type of a table.
public enum ReferenceType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case funcref = 0x70
    case externref = 0x6F

    public var valueType: ValueType {
        switch self {
        case .funcref: .funcref
        case .externref: .externref
        }
    }

    public var watName: String { valueType.watName }

    public var description: String { watName }
}
