/// One problem in a manifest: where it is (line, field path) and what is wrong.
public struct ManifestIssue: Sendable, Equatable, CustomStringConvertible {
    /// 1-based; nil when the problem has no place (an empty file).
    public var line: Int?
    /// e.g. `steps[1].require.memory`; empty for the document itself.
    public var path: String
    public var message: String

    public init(line: Int?, path: String, message: String) {
        self.line = line
        self.path = path
        self.message = message
    }

    /// `line 12: steps[1].require.memory: "256M" is not a size; ...`.
    public var description: String {
        let place = line.map { "line \($0): " } ?? ""
        return place + (path.isEmpty ? "" : "\(path): ") + message
    }
}

/// Everything wrong with a manifest, in document order.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var fileName: String
    public var issues: [ManifestIssue]

    public init(fileName: String, issues: [ManifestIssue]) {
        self.fileName = fileName
        self.issues = issues
    }

    /// One line per issue: `manifest.yaml line 12: steps[1].require.memory: ...`.
    public var lines: [String] { issues.map { "\(fileName) \($0)" } }

    public var description: String { lines.joined(separator: "\n") }
}
