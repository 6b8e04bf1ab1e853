/// One pass over JSON text, before it is parsed: the deepest nesting of arrays and objects and
/// the longest string, so that a hostile document is refused before a recursive parser sees it.
/// Syntax is not checked here; the parser does that.
struct JSONShapeScan: Sendable, Equatable {
    enum Problem: Sendable, Equatable {
        /// Nesting reached `depth` at byte `offset`.
        case tooDeep(offset: Int)
        /// A string (or key) starting at byte `offset` is longer than the limit; `prefix` is its start.
        case stringTooLong(offset: Int, prefix: String)
    }

    /// The first limit `bytes` breaks, nil when none.
    static func problem(in bytes: [UInt8], maxDepth: Int, maxStringBytes: Int) -> Problem? {
        var depth = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxDepth { return .tooDeep(offset: index) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                if index - start - 1 > maxStringBytes {
                    let prefix = String(decoding: bytes[(start + 1)..<min(bytes.count, start + 41)], as: UTF8.self)
                    return .stringTooLong(offset: start, prefix: prefix)
                }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
