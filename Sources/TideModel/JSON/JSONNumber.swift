/// A JSON number kept exactly: a whole number as a 64-bit integer (signed, or unsigned beyond
/// `Int64.max`), anything else as a double. A Wasm i64 beyond 2^53 or a u64 survives, and so do
/// the bits of an f32 or f64 (written in the shortest text that reads back to the same value).
///
/// The storage is canonical, so equal numbers compare equal however they were made: `1`, `1.0`
/// and `1e0` are the integer 1. Only -0.0 stays a double among the whole numbers, to keep its sign.
/// A double is finite in JSON; non-finite values are `JSONValue.float`'s strings.
public struct JSONNumber: Sendable, Hashable {
    private enum Storage: Sendable, Hashable {
        case integer(Int64)
        /// Only above `Int64.max`.
        case unsigned(UInt64)
        /// Never a whole number an integer case holds.
        case float(Double)
    }

    private let storage: Storage

    public init(_ value: Int64) { storage = .integer(value) }

    public init(_ value: Int) { storage = .integer(Int64(value)) }

    public init(_ value: UInt64) {
        storage = value <= UInt64(Int64.max) ? .integer(Int64(value)) : .unsigned(value)
    }

    public init(_ value: Double) {
        if value == 0, value.sign == .minus {
            storage = .float(value)
        } else if let integer = Int64(exactly: value) {
            storage = .integer(integer)
        } else if let unsigned = UInt64(exactly: value) {
            storage = .unsigned(unsigned)
        } else {
            storage = .float(value)
        }
    }

    /// An f32 as the double its shortest text reads as (`0.1`, not `0.10000000149011612`); the
    /// float converts back to the same bits.
    public init(_ value: Float) {
        self.init(value.isFinite ? Double(value.description) ?? Double(value) : Double(value))
    }

    /// Decimal number text (`12`, `-3`, `18446744073709551615`, `0.5`, `1e300`): integers exactly,
    /// other numbers to the nearest double; nil for anything else, or for a number beyond a double.
    public init?(text: String) {
        guard text.wholeMatch(of: #/-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/#) != nil else { return nil }
        if let integer = Int64(text) {
            self = text == "-0" ? JSONNumber(-0.0) : JSONNumber(integer)
        } else if let unsigned = UInt64(text) {
            self.init(unsigned)
        } else if let double = Double(text), double.isFinite {
            self.init(double)
        } else {
            return nil
        }
    }

    /// The value exactly, when it is a whole number within Int64.
    public var int64: Int64? {
        if case .integer(let value) = storage { return value }
        return nil
    }

    /// The value exactly, when it is a whole number within UInt64.
    public var uint64: UInt64? {
        switch storage {
        case .integer(let value): value >= 0 ? UInt64(value) : nil
        case .unsigned(let value): value
        case .float: nil
        }
    }

    /// The value as a double (rounded for an integer beyond 2^53).
    public var double: Double {
        switch storage {
        case .integer(let value): Double(value)
        case .unsigned(let value): Double(value)
        case .float(let value): value
        }
    }

    public var isWhole: Bool {
        if case .float = storage { return false }
        return true
    }

    /// The exact JSON text: digits for a whole number, the shortest round-trip form of a double
    /// (`0.1`, `1e+300`, `-0.0`). A non-finite double, which JSON cannot hold, reads `NaN`,
    /// `Infinity` or `-Infinity`.
    public var text: String {
        switch storage {
        case .integer(let value): String(value)
        case .unsigned(let value): String(value)
        case .float(let value): JSONNumber.floatText(value)
        }
    }

    /// The texts of non-finite doubles, which a float result reads as (see `JSONValue.float`).
    public static let nonFinite: Set<String> = ["NaN", "Infinity", "-Infinity"]

    /// A double's shortest round-trip text, or `NaN`, `Infinity`, `-Infinity`.
    public static func floatText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return value.description
    }
}

extension JSONNumber: CustomStringConvertible {
    public var description: String { text }
}

extension JSONNumber: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    public init(integerLiteral value: Int64) { self.init(value) }
    public init(floatLiteral value: Double) { self.init(value) }
}

extension JSONNumber: Codable {
    /// Integers are read as integers first, so that none is rounded through a double. "-0" reads as
    /// an integer 0 but as a double -0.0: the double wins, which keeps the sign of an f64 -0.0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int64.self) {
            if integer == 0, let double = try? container.decode(Double.self), double.sign == .minus {
                self.init(double)
            } else {
                self.init(integer)
            }
        } else if let unsigned = try? container.decode(UInt64.self) {
            self.init(unsigned)
        } else {
            self.init(try container.decode(Double.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch storage {
        case .integer(let value): try container.encode(value)
        case .unsigned(let value): try container.encode(value)
        case .float(let value): try container.encode(value)
        }
    }
}
