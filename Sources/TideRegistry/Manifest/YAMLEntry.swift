import Yams

/// One `key: value` pair of a YAML mapping, with the line of its key.
struct YAMLEntry {
    let key: String
    let keyLine: Int?
    let value: Node
}

extension Node {
    var line: Int? { mark?.line }

    /// An empty value, `~` or `null`, written without quotes.
    var isNull: Bool {
        guard case .scalar(let scalar) = self, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How a person would call this node in a message: `text "x"`, `a list`, `a mapping`.
    var kindDescription: String {
        switch self {
        case .scalar(let scalar): isNull ? "nothing" : "text \"\(scalar.string)\""
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}
