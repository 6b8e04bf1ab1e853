import TideWasm

/// The type of a declared parameter or result, as written in package.yaml.
public enum PackageValueType: String, Sendable, Hashable, Codable, CaseIterable {
    case i32
    case i64
    case f32
    case f64
    /// A byte string passed through linear memory (see ``wasmParameters`` and ``wasmResults``).
    case bytes

    public var isFloat: Bool { self == .f32 || self == .f64 }

    public var isInteger: Bool { self == .i32 || self == .i64 }

    /// The Wasm parameters that carry one parameter of this type: `bytes` is `(i32 pointer, i32 length)`.
    public var wasmParameters: [ValueType] {
        switch self {
        case .i32: [.i32]
        case .i64: [.i64]
        case .f32: [.f32]
        case .f64: [.f64]
        case .bytes: [.i32, .i32]
        }
    }

    /// The Wasm results that carry one result of this type: `bytes` is one `i64`, `(pointer << 32) | length`.
    public var wasmResults: [ValueType] {
        switch self {
        case .i32: [.i32]
        case .i64: [.i64]
        case .f32: [.f32]
        case .f64: [.f64]
        case .bytes: [.i64]
        }
    }
}
