import Foundation
import WasmKit

/// Turns request text into Wasm values of an export's parameter types, and Wasm results into JSON.
public enum ArgumentCaster {
    public enum NumericType: String, Sendable { case i32, i64, f32, f64 }

    public static func numericType(_ type: ValueType) -> NumericType? {
        switch type {
        case .i32: .i32
        case .i64: .i64
        case .f32: .f32
        case .f64: .f64
        default: nil
        }
    }

    /// `text` as a value of `type`. Integers accept decimal text (signed, or unsigned up to the
    /// type's width) and whole-numbered decimals such as `3.0`; floats accept any decimal, `nan`
    /// and `inf`.
    public static func cast(_ text: String, to type: ValueType, name: String) throws(SupervisorError) -> Value {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch numericType(type) {
        case .i32:
            guard let value = integer(trimmed), value >= Int64(Int32.min), value <= Int64(UInt32.max) else {
                throw .badRequest("\(name) must be a 32-bit integer, got \"\(trimmed.prefix(40))\"")
            }
            return .i32(UInt32(truncatingIfNeeded: value))
        case .i64:
            if let value = integer(trimmed) { return .i64(UInt64(bitPattern: value)) }
            if let value = UInt64(trimmed) { return .i64(value) }
            throw .badRequest("\(name) must be a 64-bit integer, got \"\(trimmed.prefix(40))\"")
        case .f32:
            guard let value = Float(trimmed) else { throw .badRequest("\(name) must be a number, got \"\(trimmed.prefix(40))\"") }
            return .f32(value.bitPattern)
        case .f64:
            guard let value = Double(trimmed) else { throw .badRequest("\(name) must be a number, got \"\(trimmed.prefix(40))\"") }
            return .f64(value.bitPattern)
        case nil:
            throw .badRequest("\(name) has a type that cannot be passed over HTTP")
        }
    }

    private static func integer(_ text: String) -> Int64? {
        if let value = Int64(text) { return value }
        guard let double = Double(text), double.isFinite, double.rounded() == double,
            double >= -9.223372036854775808e18, double < 9.223372036854775808e18
        else { return nil }
        return Int64(double)
    }

    /// A scalar result: integers exact (i32 and i64 read as signed), floats in their shortest form.
    public static func result(_ value: Value) -> ResultNumber {
        switch value {
        case .i32(let bits): .integer(Int64(Int32(bitPattern: bits)))
        case .i64(let bits): .integer(Int64(bitPattern: bits))
        case .f32(let bits): .float(Double("\(Float(bitPattern: bits))") ?? Double(Float(bitPattern: bits)))
        case .f64(let bits): .float(Double(bitPattern: bits))
        default: .float(.nan)
        }
    }
}

/// A number as a JSON value: integers kept exact (beyond 2^53), non-finite floats as null.
public enum ResultNumber: Sendable, Equatable, Codable, CustomStringConvertible {
    case integer(Int64)
    case float(Double)

    public var jsonText: String {
        switch self {
        case .integer(let value): String(value)
        case .float(let value): value.isFinite ? Self.floatText(value) : "null"
        }
    }

    public var description: String { jsonText }

    public var doubleValue: Double {
        switch self {
        case .integer(let value): Double(value)
        case .float(let value): value
        }
    }

    private static func floatText(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) + ".0" }
        return "\(value)"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if container.decodeNil() {
            self = .float(.nan)
        } else {
            self = .float(try container.decode(Double.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let value): try container.encode(value)
        case .float(let value): value.isFinite ? try container.encode(value) : try container.encodeNil()
        }
    }
}
