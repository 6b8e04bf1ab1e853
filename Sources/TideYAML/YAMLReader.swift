import Yams

/// Walks a composed YAML (or JSON) document and collects issues, each with its line and field
/// path, instead of stopping at the first. The parsers of deployment manifests and package.yaml
/// extend it with their own fields.
public struct YAMLReader: Sendable {
    public private(set) var issues: [ManifestIssue] = []

    public init() {}

    public mutating func report(_ line: Int?, _ path: String, _ message: String) {
        issues.append(ManifestIssue(line: line, path: path, message: message))
    }

    public mutating func report(_ node: Node, _ path: String, _ message: String) {
        report(node.line, path, message)
    }

    /// The entries of a mapping in document order; duplicate and non-text keys are reported and
    /// left out. `what` names the expected content, e.g. `a mapping of file names to files`.
    public mutating func entries(of node: Node, at path: String, expecting what: String) -> [YAMLEntry]? {
        guard case .mapping(let mapping) = node else {
            report(node, path, "expected \(what), found \(node.kindDescription)")
            return nil
        }
        var result: [YAMLEntry] = []
        var firstLines: [String: Int?] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                report(keyNode, path, "a key must be text, found \(keyNode.kindDescription)")
                continue
            }
            let key = scalar.string
            if let firstLine = firstLines[key] {
                let first = firstLine.map { " (first on line \($0))" } ?? ""
                report(keyNode, path, "\"\(key)\" appears twice\(first)")
                continue
            }
            firstLines[key] = keyNode.line
            result.append(YAMLEntry(key: key, keyLine: keyNode.line, value: value))
        }
        return result
    }

    /// Reports keys outside `allowed` and returns the entries whose keys are allowed. With
    /// `suggesting`, a key within two edits of an allowed one is answered with `did you mean`.
    public mutating func allowedEntries(
        _ entries: [YAMLEntry], allowed: [String], at path: String, suggesting: Bool
    ) -> [YAMLEntry] {
        entries.filter { entry in
            if allowed.contains(entry.key) { return true }
            let suggestion = suggesting ? FieldSuggestion.closest(to: entry.key, among: allowed) : nil
            let hint = suggestion.map { " (did you mean \"\($0)\"?)" } ?? ""
            report(entry.keyLine, path, "unknown field \"\(entry.key)\"\(hint); allowed fields: "
                + allowed.joined(separator: ", "))
            return false
        }
    }

    /// The entries of a mapping whose keys must be among `allowed`; the report of a value that is
    /// not a mapping, or of an unknown key, lists the allowed fields.
    public mutating func fields(of node: Node, at path: String, allowed: [String]) -> [YAMLEntry]? {
        let expected = "a mapping with fields \(allowed.joined(separator: ", "))"
        guard let all = entries(of: node, at: path, expecting: expected) else { return nil }
        return allowedEntries(all, allowed: allowed, at: path, suggesting: false)
    }

    /// The value of a required field, or a report that it is missing, placed at `line`.
    public mutating func required(_ key: String, in entries: [YAMLEntry], at path: String, line: Int?) -> Node? {
        if let entry = entries.first(where: { $0.key == key }) { return entry.value }
        report(line, path.isEmpty ? key : "\(path).\(key)", "required field is missing")
        return nil
    }

    /// The text of a scalar that must have a value.
    public mutating func text(_ node: Node, at path: String) -> String? {
        guard case .scalar(let scalar) = node, !node.isNull else {
            report(node, path, node.isNull ? "a value is required" : "expected text, found \(node.kindDescription)")
            return nil
        }
        return scalar.string
    }

    /// A list of texts; a single text counts as a list of one.
    public mutating func texts(_ node: Node, at path: String) -> [String]? {
        switch node {
        case .scalar:
            return text(node, at: path).map { [$0] }
        case .sequence(let sequence):
            var result: [String] = []
            for (index, element) in sequence.enumerated() {
                if let value = text(element, at: "\(path)[\(index)]") { result.append(value) }
            }
            return result
        case .mapping:
            report(node, path, "expected text or a list of texts, found a mapping")
            return nil
        }
    }

    public mutating func boolean(_ node: Node, at path: String) -> Bool? {
        guard case .scalar(let scalar) = node else {
            report(node, path, "expected true or false, found \(node.kindDescription)")
            return nil
        }
        switch scalar.string {
        case "true", "True", "TRUE", "yes": return true
        case "false", "False", "FALSE", "no": return false
        default:
            report(node, path, "\"\(scalar.string)\" is not true or false")
            return nil
        }
    }

    /// A mapping of text to text, e.g. labels.
    public mutating func stringMap(_ node: Node, at path: String) -> [String: String]? {
        guard case .mapping(let mapping) = node else {
            report(node, path, "expected a mapping of names to text, such as {zone: lobby}, found \(node.kindDescription)")
            return nil
        }
        var result: [String: String] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode, !keyNode.isNull else {
                report(keyNode, path, "a key must be text, found \(keyNode.kindDescription)")
                continue
            }
            guard result[key.string] == nil else {
                report(keyNode, path, "\"\(key.string)\" appears twice")
                continue
            }
            if let text = text(value, at: "\(path).\(key.string)") { result[key.string] = text }
        }
        return result
    }
}
