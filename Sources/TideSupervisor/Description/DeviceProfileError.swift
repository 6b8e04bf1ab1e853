import TideYAML

/// Every problem found in a device profile, in document order.
public struct DeviceProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as the operator named it (`--profile`), or `the profile` for text.
    public var source: String
    public var issues: [ManifestIssue]

    public init(source: String, issues: [ManifestIssue]) {
        self.source = source
        self.issues = issues
    }

    /// One line per issue: `profile.yaml line 3: unknown field "pheripherals" ...`, or
    /// `profile.yaml: ...` when the issue has no line.
    public var lines: [String] {
        issues.map { source + ($0.line == nil ? ": " : " ") + $0.description }
    }

    public var description: String { lines.joined(separator: "\n") }
}
