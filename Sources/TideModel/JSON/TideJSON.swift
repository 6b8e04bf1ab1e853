import Foundation

/// The JSON conventions of every Tide API and file: ISO 8601 dates with milliseconds, sorted keys.
public enum TideJSON {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTimestamp(date))
        }
        return encoder
    }

    /// The value as JSON text: pretty (indented, for people and reports) or on one line.
    public static func text<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        String(decoding: try encoder(pretty: pretty).encode(value), as: UTF8.self)
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an ISO 8601 timestamp, got \"\(text)\"")
            }
            return date
        }
        return decoder
    }

    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    /// `2026-11-21T23:52:13.389Z`: UTC, rounded to the nearest millisecond.
    public static func formatTimestamp(_ date: Date) -> String {
        var writer = JSONWriter(capacity: 24)
        writer.timestampText(date)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    public static func parseTimestamp(_ text: String) -> Date? {
        (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))
    }

    /// A human-readable account of why decoding failed: where the syntax broke (line and column,
    /// when `data` is given), or which field is missing or of the wrong type.
    public static func describe(_ error: any Error, in data: Data? = nil) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        switch error {
        case .dataCorrupted(let context):
            let path = pathText(context.codingPath)
            if path.isEmpty { return "invalid JSON: \(data.flatMap(syntaxProblem) ?? context.debugDescription)" }
            return "invalid value at \(path): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "missing field \(pathText(context.codingPath + [key]))"
        case .typeMismatch(let type, let context):
            return "wrong type at \(pathText(context.codingPath).orRoot): expected \(jsonTypeName(type))"
        case .valueNotFound(let type, let context):
            return "null at \(pathText(context.codingPath).orRoot): expected \(jsonTypeName(type))"
        @unknown default:
            return String(describing: error)
        }
    }

    /// Where `data` stops being JSON, as `line L, column C: reason`.
    static func syntaxProblem(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            guard let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String else { return nil }
            guard let range = detail.range(of: "around character "),
                let offset = Int(detail[range.upperBound...].prefix(while: \.isNumber))
            else { return detail.hasSuffix(".") ? String(detail.dropLast()) : detail }
            var line = 1
            var column = 1
            for byte in data.prefix(offset) {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
            return "unexpected character at line \(line), column \(column)"
        }
    }

    static func pathText(_ path: [any CodingKey]) -> String {
        path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
            .joined()
            .trimmingPrefix(".")
            .description
    }

    static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is UInt64.Type, is Int32.Type, is UInt32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}

extension String {
    fileprivate var orRoot: String { isEmpty ? "the top level" : self }
}
