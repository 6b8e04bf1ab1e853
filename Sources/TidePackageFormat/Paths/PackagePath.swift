/// A path inside a package: `/`-separated, relative, without `.`, `..` or empty components.
public enum PackagePath {
    /// Why a path cannot name a file inside a package.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case absolute
        case parentComponent
        case backslash
        case nulCharacter

        public var description: String {
            switch self {
            case .empty: "it is empty"
            case .absolute: "it is absolute"
            case .parentComponent: "it contains \"..\""
            case .backslash: "it contains \"\\\"; use \"/\" between folders"
            case .nulCharacter: "it contains a NUL character"
            }
        }
    }

    /// The canonical form of `path` (`./a//b/` becomes `a/b`), or why it is not inside a package.
    public static func normalize(_ path: String) -> Result<String, Problem> {
        if path.contains("\0") { return .failure(.nulCharacter) }
        if path.contains("\\") { return .failure(.backslash) }
        if path.hasPrefix("/") { return .failure(.absolute) }
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": return .failure(.parentComponent)
            default: components.append(component)
            }
        }
        if components.isEmpty { return .failure(.empty) }
        return .success(components.joined(separator: "/"))
    }
}
