/// The kind of entity an import or export refers to.
public enum ExternalKind: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case function = 0x00
    case table = 0x01
    case memory = 0x02
    case global = 0x03
    /// An exception tag (exception-handling proposal).
    case tag = 0x04

    /// The keyword used in the WebAssembly text format.
    public var watName: String {
        switch self {
        case .function: "func"
        case .table: "table"
        case .memory: "memory"
        case .global: "global"
        case .tag: "tag"
        }
    }

    public var description: String { watName }
}
