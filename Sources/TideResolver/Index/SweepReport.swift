import TideModel

/// The outcome of resolving one package version as its own root.
public struct SweepOutcome: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case resolved
        case unsatisfiable
        case failed
    }

    public var package: String
    public var version: SemanticVersion
    public var status: Status
    /// Chosen versions (including the root package itself) when resolved.
    public var solution: [ResolvedPackage]?
    /// Explanation lines when unsatisfiable (omitted when the sweep was asked not to write them).
    public var explanation: [String]?
    /// Provider or internal error text when failed.
    public var error: String?

    public init(
        package: String, version: SemanticVersion, status: Status,
        solution: [ResolvedPackage]? = nil, explanation: [String]? = nil, error: String? = nil
    ) {
        self.package = package
        self.version = version
        self.status = status
        self.solution = solution
        self.explanation = explanation
        self.error = error
    }
}

/// Every root of a sweep with counts; `--json` prints it as is.
public struct SweepReport: Sendable, Hashable, Codable {
    public var resolved: Int
    public var unsatisfiable: Int
    public var failed: Int
    public var durationMilliseconds: Double
    public var roots: [SweepOutcome]

    public init(roots: [SweepOutcome], durationMilliseconds: Double) {
        self.roots = roots
        self.durationMilliseconds = durationMilliseconds
        resolved = roots.count { $0.status == .resolved }
        unsatisfiable = roots.count { $0.status == .unsatisfiable }
        failed = roots.count { $0.status == .failed }
    }

    /// `N resolved, M unsatisfiable in T ms` (plus failures when there were any).
    public var summary: String {
        let time = (durationMilliseconds * 10).rounded() / 10
        let failures = failed > 0 ? ", \(failed) failed" : ""
        return "\(resolved) resolved, \(unsatisfiable) unsatisfiable\(failures) in \(time) ms"
    }
}
