import Yams

extension Node {
    /// 1-based.
    public var line: Int? { mark?.line }

    /// An empty value, `~` or `null`, written without quotes.
    public var isNull: Bool {
        guard case .scalar(let scalar) = self, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How a person would call this node in a message: `text "x"`, `nothing`, `a list`, `a mapping`.
    public var kindDescription: String {
        switch self {
        case .scalar(let scalar): isNull ? "nothing" : "text \"\(scalar.string)\""
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}
