/// Why a resolution produced no result.
public enum ResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No set of versions satisfies the requirements; the explanation says why.
    case unsatisfiable(ResolutionExplanation)
    /// The package provider failed (e.g. the registry database could not be read).
    case providerFailure(package: String, reason: String)
    /// A broken solver invariant; please report it with the input that caused it.
    case internalInconsistency(String)
    /// The search resolved `limit` conflicts without finishing: the requirements are too intricate
    /// to settle in bounded time.
    case tooComplex(conflictLimit: Int)

    public var description: String {
        switch self {
        case .unsatisfiable(let explanation): explanation.description
        case .providerFailure(let package, let reason): "could not read package \(package): \(reason)"
        case .internalInconsistency(let detail): "internal resolver error: \(detail)"
        case .tooComplex(let limit):
            "resolution gave up after \(limit) conflicts between versions; narrow the version ranges of the requirements"
        }
    }

    public var explanation: ResolutionExplanation? {
        if case .unsatisfiable(let explanation) = self { return explanation }
        return nil
    }
}
