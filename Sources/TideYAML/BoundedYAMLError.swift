import Yams

/// Why a document could not be composed: the YAML is invalid, or it is past a limit.
public enum BoundedYAMLError: Error, Sendable {
    /// What libyaml or Yams reported.
    case syntax(YamlError)
    /// The document nests lists and mappings deeper than `limit`; `line` is 1-based.
    case tooDeep(limit: Int, line: Int)

    /// The sentence for a person, without a file name or line.
    public var message: String {
        switch self {
        case .syntax(let error): "not valid YAML: \(error)"
        case .tooDeep(let limit, _):
            "lists and mappings nest deeper than \(limit) levels; the document is refused before it is read"
        }
    }
}
