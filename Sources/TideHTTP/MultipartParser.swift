/// One part of a `multipart/form-data` body.
public struct MultipartPart: Sendable, Equatable {
    public var name: String
    public var filename: String?
    public var contentType: String?
    public var body: [UInt8]

    public init(name: String, filename: String?, contentType: String?, body: [UInt8]) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.body = body
    }
}

public struct MultipartError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Splits a `multipart/form-data` body (RFC 7578) into its parts; the orchestrator's package
/// uploads and the supervisor's call inputs share it.
public enum MultipartParser {
    public static func parse(_ body: [UInt8], contentType: String) throws(MultipartError) -> [MultipartPart] {
        guard let boundary = boundary(in: contentType) else {
            throw MultipartError(message: "multipart/form-data without a boundary parameter")
        }
        guard (1...maximumBoundaryLength).contains(boundary.utf8.count) else {
            throw MultipartError(message: "the multipart boundary must be 1-\(maximumBoundaryLength) characters (RFC 2046)")
        }
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            positions.append(found)
            guard positions.count <= maximumParts + 1 else {
                throw MultipartError(message: "the multipart body has more than \(maximumParts) parts")
            }
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { throw MultipartError(message: "the multipart body has no parts") }
        var parts: [MultipartPart] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var cursor = start + delimiter.count
            if body[cursor...].starts(with: [13, 10]) { cursor += 2 }
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: cursor, before: end) else {
                throw MultipartError(message: "a multipart part has no header end")
            }
            let headerText = String(decoding: body[cursor..<headerEnd], as: UTF8.self)
            var contentEnd = end
            if contentEnd >= 2, body[contentEnd - 2] == 13, body[contentEnd - 1] == 10 { contentEnd -= 2 }
            var part = MultipartPart(name: "", filename: nil, contentType: nil, body: Array(body[(headerEnd + 4)..<max(headerEnd + 4, contentEnd)]))
            for line in headerText.split(separator: "\r\n") {
                let pieces = line.split(separator: ":", maxSplits: 1)
                guard pieces.count == 2 else { continue }
                let field = pieces[0].lowercased()
                let value = pieces[1].trimmingCharacters(in: [" "])
                if field == "content-disposition" {
                    part.name = parameter("name", in: value) ?? ""
                    part.filename = parameter("filename", in: value)
                } else if field == "content-type" {
                    part.contentType = value
                }
            }
            parts.append(part)
        }
        return parts
    }

    static func boundary(in contentType: String) -> String? {
        parameter("boundary", in: contentType)
    }

    /// `name="value"` or `name=value` among `;`-separated parameters.
    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let trimmed = piece.trimmingCharacters(in: [" "])
            guard trimmed.lowercased().hasPrefix(name + "=") else { continue }
            var value = String(trimmed.dropFirst(name.count + 1))
            while value.hasSuffix(" ") { value.removeLast() }
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// The most parts one body may have (a package has at most 1,000 files).
    static let maximumParts = 1_000
    /// RFC 2046 allows boundaries of 1 to 70 characters.
    static let maximumBoundaryLength = 70

    /// The first position of `needle` at or after `start` that ends by `before` (default: the end).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, before limit: Int? = nil) -> Int? {
        let end = min(limit ?? haystack.count, haystack.count)
        guard !needle.isEmpty, end >= needle.count, start <= end - needle.count else { return nil }
        let first = needle[0]
        var index = start
        while index <= end - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}
