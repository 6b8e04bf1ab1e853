import Foundation
import TideModel
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

    /// `text` as a value of `type`, read exactly or refused. Integers accept decimal text only
    /// (signed, or unsigned up to the type's width; a whole-numbered decimal such as `3.0` or `3e2`
    /// too), never hexadecimal, and never clamp: i32 takes -2147483648...4294967295, i64
    /// -9223372036854775808...18446744073709551615. Floats accept decimal text, rounded to the
    /// nearest value of the type, and `nan`, `inf`, `infinity`; a finite text too large for the type
    /// is refused rather than made infinite.
    public static func cast(_ text: String, to type: ValueType, name: String) throws(SupervisorError) -> Value {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let shown = "\"\(trimmed.prefix(40))\""
        switch numericType(type) {
        case .i32:
            let bits = try integer(trimmed, name: name, shown: shown, min: UInt64(1) << 31, max: UInt64(UInt32.max), width: 32)
            return .i32(UInt32(truncatingIfNeeded: bits))
        case .i64:
            return .i64(try integer(trimmed, name: name, shown: shown, min: UInt64(1) << 63, max: UInt64.max, width: 64))
        case .f32:
            guard DecimalText.isFloat(trimmed), let value = Float(trimmed) else {
                throw .badRequest("\(name) must be a decimal number, got \(shown)")
            }
            guard value.isFinite || DecimalText.isNonFinite(trimmed) else {
                throw .badRequest("\(name) is out of the range of a 32-bit float (about ±3.4e38), got \(shown)")
            }
            return .f32(value.bitPattern)
        case .f64:
            guard DecimalText.isFloat(trimmed), let value = Double(trimmed) else {
                throw .badRequest("\(name) must be a decimal number, got \(shown)")
            }
            guard value.isFinite || DecimalText.isNonFinite(trimmed) else {
                throw .badRequest("\(name) is out of the range of a 64-bit float (about ±1.8e308), got \(shown)")
            }
            return .f64(value.bitPattern)
        case nil:
            throw .badRequest("\(name) has a type that cannot be passed over HTTP")
        }
    }

    /// The two's-complement bits of a whole number from -`min` to `max`.
    private static func integer(
        _ text: String, name: String, shown: String, min: UInt64, max: UInt64, width: Int
    ) throws(SupervisorError) -> UInt64 {
        let range = "-\(min) to \(max)"
        switch DecimalText.integer(text) {
        case .value(let negative, let magnitude):
            if negative {
                guard magnitude <= min else { throw .badRequest("\(name) is out of the range of a \(width)-bit integer (\(range)), got \(shown)") }
                return 0 &- magnitude
            }
            guard magnitude <= max else { throw .badRequest("\(name) is out of the range of a \(width)-bit integer (\(range)), got \(shown)") }
            return magnitude
        case .tooLarge:
            throw .badRequest("\(name) is out of the range of a \(width)-bit integer (\(range)), got \(shown)")
        case .notWhole:
            throw .badRequest("\(name) must be a whole number for a \(width)-bit integer, got \(shown)")
        case .notDecimal:
            throw .badRequest("\(name) must be a \(width)-bit integer in decimal digits (no hexadecimal), got \(shown)")
        }
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

/// A number as a JSON value: integers kept exact (beyond 2^53), floats in their shortest form, and
/// non-finite floats, which JSON numbers cannot hold, as the strings "NaN", "Infinity", "-Infinity".
public enum ResultNumber: Sendable, Equatable, Codable, CustomStringConvertible {
    case integer(Int64)
    case float(Double)

    public var jsonText: String {
        switch self {
        case .integer(let value): String(value)
        case .float(let value): value.isFinite ? Self.floatText(value) : "\"\(JSONNumber.floatText(value))\""
        }
    }

    /// The number as a query parameter of the next step: `NaN`, `Infinity` and `-Infinity` bare,
    /// as `ArgumentCaster.cast` reads them.
    public var parameterText: String {
        switch self {
        case .integer(let value): String(value)
        case .float(let value): value.isFinite ? Self.floatText(value) : JSONNumber.floatText(value)
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
        } else if let text = try? container.decode(String.self) {
            guard JSONNumber.nonFinite.contains(text), let value = Double(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a number, NaN, Infinity or -Infinity")
            }
            self = .float(value)
        } else {
            self = .float(try container.decode(Double.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let value): try container.encode(value)
        case .float(let value): value.isFinite ? try container.encode(value) : try container.encode(JSONNumber.floatText(value))
        }
    }
}
