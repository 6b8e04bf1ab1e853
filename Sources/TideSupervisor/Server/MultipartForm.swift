/// The parts of a `multipart/form-data` body (RFC 7578) by field name.
enum MultipartForm {
    struct Part: Equatable {
        var name: String
        var filename: String?
        var body: [UInt8]
    }

    static func parse(_ body: [UInt8], contentType: String) throws(SupervisorError) -> [Part] {
        guard let boundary = parameter("boundary", in: contentType), !boundary.isEmpty else {
            throw .badRequest("multipart/form-data without a boundary parameter")
        }
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { throw .badRequest("the multipart body has no parts") }
        var parts: [Part] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            var cursor = start + delimiter.count
            if body[cursor...].starts(with: [13, 10]) { cursor += 2 }
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: cursor), headerEnd < end else {
                throw .badRequest("a multipart part has no end of headers")
            }
            var contentEnd = end
            if contentEnd >= 2, body[contentEnd - 2] == 13, body[contentEnd - 1] == 10 { contentEnd -= 2 }
            var part = Part(name: "", filename: nil, body: Array(body[(headerEnd + 4)..<max(headerEnd + 4, contentEnd)]))
            for line in String(decoding: body[cursor..<headerEnd], as: UTF8.self).split(separator: "\r\n") {
                let pieces = line.split(separator: ":", maxSplits: 1)
                guard pieces.count == 2, pieces[0].lowercased() == "content-disposition" else { continue }
                let value = String(pieces[1])
                part.name = parameter("name", in: value) ?? ""
                part.filename = parameter("filename", in: value)
            }
            guard !part.name.isEmpty else { throw .badRequest("a multipart part has no name") }
            parts.append(part)
        }
        return parts
    }

    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let trimmed = piece.drop(while: { $0 == " " })
            guard trimmed.lowercased().hasPrefix(name + "=") else { continue }
            var value = String(trimmed.dropFirst(name.count + 1))
            while value.hasSuffix(" ") { value.removeLast() }
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
