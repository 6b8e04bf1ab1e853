import Yams

extension BoundedYAML {
    /// The root node of a document that must not be empty, or the one issue that stops reading it:
    /// text that is not YAML (with its line; `detailed` adds the parser's column and context) or an
    /// empty document, reported as `whenEmpty`.
    public static func document(_ text: String, detailed: Bool, whenEmpty: String) throws(ManifestIssue) -> Node {
        let root: Node?
        do {
            root = try compose(text)
        } catch {
            throw ManifestIssue(error, detailed: detailed)
        }
        guard let root, !root.isNull else { throw ManifestIssue(line: nil, path: "", message: whenEmpty) }
        return root
    }
}

extension ManifestIssue: Error {}
