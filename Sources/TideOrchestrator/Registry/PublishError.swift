/// Why a package was not published, worded for the person who published it.
public enum PublishError: Error, CustomStringConvertible, Equatable {
    /// package.yaml or the files break the package rules; one line per problem.
    case invalid([String])
    /// That version exists: published versions are immutable.
    case exists(String)
    case storage(String)
    /// The signature policy refused it: unsigned where signing is required, a signature that does
    /// not match, or signed only by keys the server does not trust.
    case signature(String)

    public var description: String {
        switch self {
        case .signature(let message): message
        case .invalid(let problems): problems.joined(separator: "\n")
        case .exists(let message): message
        case .storage(let message): message
        }
    }
}
