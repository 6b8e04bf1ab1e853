import Yams

/// One `key: value` pair of a mapping, with the line of its key.
struct YAMLField {
    let key: String
    let line: Int?
    let value: Node
}

/// Walks a composed YAML document and collects issues instead of stopping at the first.
struct YAMLReader {
    private(set) var issues: [ManifestIssue] = []

    mutating func report(_ line: Int?, _ path: String, _ message: String) {
        issues.append(ManifestIssue(line: line, path: path, message: message))
    }

    mutating func report(_ node: Node, _ path: String, _ message: String) {
        report(node.line, path, message)
    }

    /// The fields of a mapping in document order, keeping only `allowed` keys; unknown, duplicate
    /// and non-text keys are reported.
    mutating func fields(of node: Node, at path: String, allowed: [String]) -> [YAMLField]? {
        guard case .mapping(let mapping) = node else {
            report(node, path, "expected a mapping with fields \(allowed.joined(separator: ", ")), found \(node.kindDescription)")
            return nil
        }
        var result: [YAMLField] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                report(keyNode, path, "a key must be text, found \(keyNode.kindDescription)")
                continue
            }
            let key = scalar.string
            if let first = result.first(where: { $0.key == key }) {
                report(keyNode, path, "\"\(key)\" appears twice" + (first.line.map { " (first on line \($0))" } ?? ""))
                continue
            }
            guard allowed.contains(key) else {
                report(keyNode, path, "unknown field \"\(key)\"; allowed fields: \(allowed.joined(separator: ", "))")
                continue
            }
            result.append(YAMLField(key: key, line: keyNode.line, value: value))
        }
        return result
    }

    mutating func text(_ node: Node, at path: String) -> String? {
        guard case .scalar(let scalar) = node, !node.isNull else {
            report(node, path, node.isNull ? "a value is required" : "expected text, found \(node.kindDescription)")
            return nil
        }
        return scalar.string
    }

    /// A list of texts; a single text counts as a list of one.
    mutating func texts(_ node: Node, at path: String) -> [String]? {
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

    mutating func boolean(_ node: Node, at path: String) -> Bool? {
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
    mutating func stringMap(_ node: Node, at path: String) -> [String: String]? {
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

extension Node {
    var line: Int? { mark?.line }

    /// `~`, `null` or nothing, unquoted.
    var isNull: Bool {
        guard case .scalar(let scalar) = self, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    var kindDescription: String {
        switch self {
        case .scalar(let scalar): isNull ? "nothing" : "text \"\(scalar.string)\""
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}
