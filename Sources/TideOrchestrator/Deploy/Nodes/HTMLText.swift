import Foundation

/// The readable text of an HTML error page (a wasmiot supervisor's Flask answers a failed
/// `/deploy` with one), for messages: tags, scripts and styles dropped, common entities decoded,
/// whitespace collapsed.
enum HTMLText {
    static func looksLikeHTML(_ text: String) -> Bool {
        let head = text.prefix(512).lowercased().drop { $0.isWhitespace }
        return head.hasPrefix("<!doctype html") || head.hasPrefix("<html") || head.contains("<title>") || head.hasPrefix("<h1")
    }

    static func text(of html: String) -> String {
        var out = ""
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            guard character == "<" else {
                out.append(character)
                index = html.index(after: index)
                continue
            }
            let rest = html[index...].prefix(10).lowercased()
            let skipped = ["<script", "<style"].first { rest.hasPrefix($0) }
            if let skipped, let close = html.range(of: "</" + skipped.dropFirst(), options: .caseInsensitive, range: index..<html.endIndex),
                let end = html[close.upperBound...].firstIndex(of: ">")
            {
                index = html.index(after: end)
            } else if let end = html[index...].firstIndex(of: ">") {
                index = html.index(after: end)
            } else {
                break
            }
            out.append(" ")
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
            out = out.replacingOccurrences(of: entity, with: character)
        }
        return out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
