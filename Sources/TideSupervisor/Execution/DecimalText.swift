/// Decimal number text as a call argument: `[+-]digits[.digits][(e|E)[+-]digits]`, read exactly.
/// Nothing else is a number here: no hexadecimal (`0x10`), no `_`, no spaces inside.
enum DecimalText {
    enum Integer: Equatable {
        /// A whole number: its sign and magnitude.
        case value(negative: Bool, magnitude: UInt64)
        /// Decimal, but with a fraction (`1.5`).
        case notWhole
        /// Decimal and whole, but its magnitude is 2^64 or more.
        case tooLarge
        /// Not decimal number text.
        case notDecimal
    }

    /// `text` as an exact whole number; `3.0` and `3e2` are whole, `1.5` is not.
    static func integer(_ text: String) -> Integer {
        guard let parts = split(text) else { return .notDecimal }
        var digits = Array((parts.whole + parts.fraction).drop { $0 == UInt8(ascii: "0") })
        guard !digits.isEmpty else { return .value(negative: parts.negative, magnitude: 0) }
        // The value is digits * 10^scale.
        guard parts.exponent.count <= 6, let exponent = Int(String(decoding: parts.exponent, as: UTF8.self)) else {
            return parts.exponentNegative ? .notWhole : .tooLarge
        }
        let scale = (parts.exponentNegative ? -exponent : exponent) - parts.fraction.count
        if scale < 0 {
            // Leading zeros are gone, so dropping every digit would drop a non-zero one.
            guard -scale < digits.count, digits.suffix(-scale).allSatisfy({ $0 == UInt8(ascii: "0") }) else {
                return .notWhole
            }
            digits.removeLast(-scale)
        } else {
            guard digits.count + scale <= 20 else { return .tooLarge }
            digits += Array(repeating: UInt8(ascii: "0"), count: scale)
        }
        guard let magnitude = UInt64(String(decoding: digits, as: UTF8.self)) else { return .tooLarge }
        return .value(negative: parts.negative, magnitude: magnitude)
    }

    /// True when `text` is decimal number text, or `nan`, `inf` or `infinity` with an optional sign
    /// (any case): what a float parameter accepts.
    static func isFloat(_ text: String) -> Bool {
        if isNonFinite(text) { return true }
        return split(text) != nil
    }

    /// `nan`, `inf`, `infinity`, `-inf`, ... in any case.
    static func isNonFinite(_ text: String) -> Bool {
        var lower = text.lowercased()
        if lower.hasPrefix("+") || lower.hasPrefix("-") { lower.removeFirst() }
        return ["nan", "inf", "infinity"].contains(lower)
    }

    private struct Parts {
        var negative: Bool
        var whole: ArraySlice<UInt8>
        var fraction: ArraySlice<UInt8>
        var exponentNegative: Bool
        var exponent: ArraySlice<UInt8>
    }

    private static func split(_ text: String) -> Parts? {
        let bytes = Array(text.utf8)
        var index = 0
        func digits() -> ArraySlice<UInt8> {
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            return bytes[start..<index]
        }
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        let whole = digits()
        var fraction: ArraySlice<UInt8> = []
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            fraction = digits()
        }
        guard !whole.isEmpty || !fraction.isEmpty else { return nil }
        var exponentNegative = false
        var exponent: ArraySlice<UInt8> = [UInt8(ascii: "0")][...]
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            exponent = digits()
            guard !exponent.isEmpty else { return nil }
            exponent = exponent.drop { $0 == UInt8(ascii: "0") }
            if exponent.isEmpty { exponent = [UInt8(ascii: "0")][...] }
        }
        guard index == bytes.count else { return nil }
        return Parts(negative: negative, whole: whole, fraction: fraction, exponentNegative: exponentNegative, exponent: exponent)
    }
}
