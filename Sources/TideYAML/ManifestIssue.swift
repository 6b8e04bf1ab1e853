/// One problem in a YAML or JSON document: where it is (line, column, field path) and what is wrong.
public struct ManifestIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based; nil when the problem has no single place (an empty file).
    public var line: Int?
    /// 1-based; given only where the parser names one (YAML syntax errors).
    public var column: Int?
    /// The field path, e.g. `steps[1].require.memory`; empty for the document itself.
    public var path: String
    public var message: String

    public init(line: Int?, column: Int? = nil, path: String, message: String) {
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// `line 12, column 3: steps[1].require.memory: "256M" is not a size; ...`, without the file's
    /// name; `steps: ...` or just the message when there is no line.
    public var description: String {
        var place = ""
        if let line {
            place = "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": "
        }
        return place + (path.isEmpty ? "" : "\(path): ") + message
    }
}
