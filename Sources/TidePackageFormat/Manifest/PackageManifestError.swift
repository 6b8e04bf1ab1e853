import TideYAML

/// Every problem found in a package.yaml.
public struct PackageManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var issues: [ManifestIssue]

    public init(issues: [ManifestIssue]) {
        self.issues = issues
    }

    /// One line per issue: `package.yaml line 7, column 3: ...`, or `package.yaml: ...` when the
    /// issue has no line.
    public var lines: [String] {
        issues.map { PackageManifest.fileName + ($0.line == nil ? ": " : " ") + $0.description }
    }

    public var description: String { lines.joined(separator: "\n") }
}
