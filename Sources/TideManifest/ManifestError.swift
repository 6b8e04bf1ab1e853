import TideYAML

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
