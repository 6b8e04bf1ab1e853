/// One problem in a package.yaml: where it is (line, field path) and what to do about it.
public struct ManifestIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based line in package.yaml, nil when the problem has no single place (a missing field).
    public var line: Int?
    /// 1-based column, given only for YAML syntax errors.
    public var column: Int?
    /// The field path, e.g. `functions.fibo.parameters[0].type`; empty for the document itself.
    public var path: String
    public var message: String

    public init(line: Int?, column: Int? = nil, path: String, message: String) {
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// `package.yaml line 7: functions.fibo.parameters[0].type: "int64" is not a type; ...`
    public var description: String {
        var place = PackageManifest.fileName
        if let line {
            place += " line \(line)"
            if let column { place += ", column \(column)" }
        }
        return path.isEmpty ? "\(place): \(message)" : "\(place): \(path): \(message)"
    }
}

/// Every problem found in a package.yaml, in document order.
public struct PackageManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var issues: [ManifestIssue]

    public init(issues: [ManifestIssue]) {
        self.issues = issues
    }

    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
