/// A WebAssembly value type, as it appears in function types, globals and locals.
public enum ValueType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case i32 = 0x7F
    case i64 = 0x7E
    case f32 = 0x7D
    case f64 = 0x7C
    case v128 = 0x7B
    case funcref = 0x70
    case externref = 0x6F

    /// The keyword used in the WebAssembly text format.
    public var watName: String {
        switch self {
        case .i32: "i32"
        case .i64: "i64"
        case .f32: "f32"
        case .f64: "f64"
        case .v128: "v128"
        case .funcref: "funcref"
        case .externref: "externref"
        }
    }

    public var description: String { watName }
}
