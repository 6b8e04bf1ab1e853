import TideYAML
import Yams

extension YAMLReader {
    mutating func functions(_ node: Node) -> [PackageFunction]? {
        guard let entries = entries(of: node, at: "functions", expecting: "a mapping of export names to functions")
        else { return nil }
        if entries.isEmpty {
            report(node, "functions", "declare at least one exported function Tide may call")
            return nil
        }
        var result: [PackageFunction] = []
        var complete = true
        for entry in entries {
            if let function = function(named: entry.key, entry.value, keyLine: entry.keyLine) {
                result.append(function)
            } else {
                complete = false
            }
        }
        return complete ? result : nil
    }

    private mutating func function(named name: String, _ node: Node, keyLine: Int?) -> PackageFunction? {
        let path = "functions.\(name)"
        if name.isEmpty {
            report(keyLine, "functions", "a function name must not be empty")
            return nil
        }
        var function = PackageFunction(name: name)
        if node.isNull { return function }
        guard let all = entries(of: node, at: path, expecting: "a mapping of method, description, parameters, result and result-labels")
        else { return nil }
        let issueCount = issues.count
        for field in allowedEntries(all, allowed: ManifestRules.functionKeys, at: path, suggesting: true) {
            let fieldPath = "\(path).\(field.key)"
            switch field.key {
            case "method":
                guard let text = text(field.value, at: fieldPath) else { continue }
                if let method = PackageFunction.Method(rawValue: text) {
                    function.method = method
                } else {
                    report(field.value, fieldPath, "\"\(text)\" is not a method; use get or post")
                }
            case "description":
                if !field.value.isNull { function.description = text(field.value, at: fieldPath) }
            case "parameters":
                function.parameters = parameters(field.value, at: fieldPath) ?? []
            case "result":
                function.result = result(field.value, at: fieldPath)
            case "result-labels":
                function.resultLabels = resultLabels(field.value, at: fieldPath)
            default:
                break
            }
        }
        if function.resultLabels != nil, function.result?.isInteger != true,
            let node = all.first(where: { $0.key == "result-labels" })?.value
        {
            let found = function.result.map { "returns \($0.rawValue)" } ?? "returns nothing"
            report(node, "\(path).result-labels", "labels an integer result (i32 or i64), but \(name) \(found)")
        }
        return issues.count == issueCount ? function : nil
    }

    private mutating func parameters(_ node: Node, at path: String) -> [PackageFunction.Parameter]? {
        if node.isNull { return [] }
        guard case .sequence(let sequence) = node else {
            report(node, path, "expected a list of parameters such as \"- name: n\", found \(node.kindDescription)")
            return nil
        }
        var result: [PackageFunction.Parameter] = []
        var firstIndex: [String: Int] = [:]
        for (index, item) in sequence.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let all = entries(of: item, at: itemPath, expecting: "a mapping of name and type") else { continue }
            let fields = allowedEntries(all, allowed: ManifestRules.parameterKeys, at: itemPath, suggesting: true)
            var name: String?
            if let nameNode = required("name", in: fields, at: itemPath, line: item.line),
               let text = text(nameNode, at: "\(itemPath).name") {
                if !ManifestRules.isParameterName(text) {
                    report(nameNode, "\(itemPath).name",
                           "\"\(text)\" is not a valid parameter name; \(ManifestRules.parameterNameRule)")
                } else if let first = firstIndex[text] {
                    report(nameNode, "\(itemPath).name", "\"\(text)\" is already the name of parameters[\(first)]")
                } else {
                    firstIndex[text] = index
                    name = text
                }
            }
            var type: PackageValueType?
            if let typeNode = required("type", in: fields, at: itemPath, line: item.line),
               let text = text(typeNode, at: "\(itemPath).type") {
                type = PackageValueType(rawValue: text)
                if type == nil {
                    report(typeNode, "\(itemPath).type", "\"\(text)\" is not a type; use i32, i64, f32, f64 or bytes")
                }
            }
            if let name, let type { result.append(PackageFunction.Parameter(name: name, type: type)) }
        }
        return result
    }

    /// The name of a data file; that it is one of `files` is checked with the whole manifest.
    private mutating func resultLabels(_ node: Node, at path: String) -> String? {
        text(node, at: path, where: ManifestRules.isFileName) {
            "\"\($0)\" is not a file name; name one of the package's files, e.g. labels"
        }
    }

    private mutating func result(_ node: Node, at path: String) -> PackageValueType? {
        if node.isNull { return nil }
        guard let text = text(node, at: path), text != "none" else { return nil }
        guard let type = PackageValueType(rawValue: text) else {
            report(node, path, "\"\(text)\" is not a result type; use i32, i64, f32, f64, bytes or none")
            return nil
        }
        return type
    }
}
