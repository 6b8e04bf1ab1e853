import Yams

/// Walks a composed package.yaml, collecting issues with their lines and field paths.
struct ManifestReader {
    private(set) var issues: [ManifestIssue] = []

    mutating func report(_ line: Int?, _ path: String, _ message: String) {
        issues.append(ManifestIssue(line: line, path: path, message: message))
    }

    mutating func report(_ node: Node, _ path: String, _ message: String) {
        report(node.line, path, message)
    }

    /// The entries of a mapping node in document order; duplicate and non-text keys are reported
    /// and left out. `what` names the expected content, e.g. `fields such as "name: fibo"`.
    mutating func entries(of node: Node, at path: String, expecting what: String) -> [YAMLEntry]? {
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

    /// Reports keys outside `allowed` and returns the entries whose keys are allowed.
    mutating func allowedEntries(_ entries: [YAMLEntry], allowed: [String], at path: String) -> [YAMLEntry] {
        entries.filter { entry in
            if allowed.contains(entry.key) { return true }
            let hint = ManifestRules.suggestion(for: entry.key, among: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
            report(entry.keyLine, path, "unknown field \"\(entry.key)\"\(hint); allowed fields: "
                + allowed.joined(separator: ", "))
            return false
        }
    }

    /// The text of a scalar that must have a value.
    mutating func text(_ node: Node, at path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            report(node, path, "expected text, found \(node.kindDescription)")
            return nil
        }
        if node.isNull {
            report(node, path, "a value is required")
            return nil
        }
        return scalar.string
    }

    /// The value of a required field, or a report that it is missing, placed at `line`.
    mutating func required(_ key: String, in entries: [YAMLEntry], at path: String, line: Int?) -> Node? {
        if let entry = entries.first(where: { $0.key == key }) { return entry.value }
        report(line, join(path, key), "required field is missing")
        return nil
    }

    mutating func relativePath(_ node: Node, at path: String) -> String? {
        guard let text = text(node, at: path) else { return nil }
        switch PackagePath.normalize(text) {
        case .success(let normalized):
            return normalized
        case .failure(let problem):
            report(node, path, "\"\(text)\" is not a relative path inside the package: \(problem)")
            return nil
        }
    }
}

func join(_ path: String, _ key: String) -> String {
    path.isEmpty ? key : "\(path).\(key)"
}
