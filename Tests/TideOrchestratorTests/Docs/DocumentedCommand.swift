import Foundation

/// A `tide ...` command line shown in a code block of README.md or docs/.
struct DocumentedCommand: Sendable, CustomStringConvertible {
    var file: String
    var line: Int
    var words: [String]

    var description: String { "\(file) line \(line): `\(words.joined(separator: " "))`" }

    /// Every command line in the fenced code blocks of `text`: lines that start with `tide `
    /// (or `$ tide `, or a path ending in `/tide `), joined across `\` continuations, without
    /// trailing `# comments`.
    static func all(in text: String, file: String) -> [DocumentedCommand] {
        var commands: [DocumentedCommand] = []
        var inBlock = false
        var pending: (line: Int, text: String)?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") {
                inBlock.toggle()
                pending = nil
                continue
            }
            guard inBlock else { continue }
            var body = withoutComment(line)
            if body.hasPrefix("$ ") { body.removeFirst(2) }
            if var continued = pending {
                continued.text += " " + body
                pending = continued
            } else if let start = body.range(of: #"^(\S*/)?tide "#, options: .regularExpression) {
                pending = (index + 1, "tide " + body[start.upperBound...])
            } else {
                continue
            }
            guard let current = pending else { continue }
            if current.text.hasSuffix("\\") {
                pending = (current.line, String(current.text.dropLast()))
            } else {
                commands.append(DocumentedCommand(file: file, line: current.line, words: words(current.text)))
                pending = nil
            }
        }
        return commands
    }

    /// `line` up to a `#` that starts a shell comment (after a space, outside quotes).
    static func withoutComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        for (offset, character) in line.enumerated() {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#", previous == " " {
                return String(line.prefix(offset)).trimmingCharacters(in: .whitespaces)
            }
            previous = character
        }
        return line
    }

    /// Shell-like words: quotes and `$(...)` keep spaces inside one word.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var depth = 0
        for character in text {
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
                current.append(character)
            } else if character == "(" {
                depth += 1
                current.append(character)
            } else if character == ")" {
                depth = max(0, depth - 1)
                current.append(character)
            } else if character == " ", depth == 0 {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
