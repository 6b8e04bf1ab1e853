import TideModel
import TideYAML
import Yams

extension YAMLReader {
    mutating func steps(_ node: Node) -> [ManifestStep]? {
        guard case .sequence(let sequence) = node else {
            report(node, "steps", "expected a list of steps, found \(node.kindDescription)")
            return nil
        }
        guard !sequence.isEmpty else {
            report(node, "steps", "at least one step is required")
            return nil
        }
        // Names as written, valid or not, so that later steps' inputs are checked against every earlier step.
        let declared = sequence.map { node -> String? in
            guard case .mapping(let mapping) = node else { return nil }
            return mapping.first { $0.key.scalar?.string == "name" }?.value.scalar?.string
        }
        // Where each name is first declared, so that "is it an earlier step" is one lookup.
        var firstDeclared: [String: Int] = [:]
        for (index, name) in declared.enumerated() {
            if let name, firstDeclared[name] == nil { firstDeclared[name] = index }
        }
        var steps: [ManifestStep] = []
        var nearNodes: [(step: Int, name: String, node: Node, path: String)] = []
        var complete = true
        for (index, stepNode) in sequence.enumerated() {
            let path = "steps[\(index)]"
            guard let step = step(
                stepNode, at: path, index: index, declared: declared, firstDeclared: firstDeclared, nearNodes: &nearNodes) else {
                complete = false
                continue
            }
            steps.append(step)
        }
        guard complete else { return nil }
        let names = steps.map(\.name)
        let known = Set(names)
        for near in nearNodes where !known.contains(near.name) || names[near.step] == near.name {
            let problem = names[near.step] == near.name ? "a step cannot be near itself" : "\"\(near.name)\" is not a step of this manifest"
            report(near.node, near.path, problem)
        }
        return steps
    }

    private mutating func step(
        _ node: Node, at path: String, index: Int, declared: [String?], firstDeclared: [String: Int],
        nearNodes: inout [(step: Int, name: String, node: Node, path: String)]
    ) -> ManifestStep? {
        let earlier = EarlierSteps(index: index, declared: declared, firstDeclared: firstDeclared)
        guard let fields = fields(of: node, at: path, allowed: ManifestKeys.step) else { return nil }
        var name: String?
        var module: ModuleReference?
        var function: String?
        var inputs: [String]? = index > 0 ? declared[index - 1].map { [$0] } ?? [] : []
        var require = StepConstraints()
        var prefer = StepPreferences()
        var policy: FailurePolicy?
        var idempotent: Bool?
        var state: KeptState?
        var valid = true
        for field in fields {
            let fieldPath = "\(path).\(field.key)"
            switch field.key {
            case "name":
                name = self.name(field.value, at: fieldPath)
                if let taken = name, let other = firstDeclared[taken], other < index {
                    report(field.value, fieldPath, "\"\(taken)\" is already the name of steps[\(other)]")
                    valid = false
                }
            case "module": module = self.module(field.value, at: fieldPath)
            case "function":
                function = text(field.value, at: fieldPath)
                if function?.isEmpty == true {
                    report(field.value, fieldPath, "a value is required")
                    function = nil
                }
            case "input": inputs = self.inputs(field.value, at: fieldPath, earlier: earlier)
            case "require":
                if let value = constraints(field.value, at: fieldPath) { require = value } else { valid = false }
            case "prefer":
                if let value = preferences(field.value, at: fieldPath) {
                    prefer = value
                    if let nearField = nearField(of: field.value) {
                        for (offset, near) in value.near.enumerated() {
                            let nearPath = "\(fieldPath).near" + (isList(nearField) ? "[\(offset)]" : "")
                            nearNodes.append((index, near, element(nearField, offset), nearPath))
                        }
                    }
                } else {
                    valid = false
                }
            case "on-failure":
                policy = failurePolicy(field.value, at: fieldPath)
                if policy == nil { valid = false }
            case "idempotent":
                idempotent = boolean(field.value, at: fieldPath)
                if idempotent == nil { valid = false }
            case "state":
                switch stepState(field.value, at: fieldPath) {
                case .valid(let value): state = value
                case .invalid: valid = false
                }
            default: break
            }
        }
        for key in ["name", "module", "function"] where !fields.contains(where: { $0.key == key }) {
            report(node.line, "\(path).\(key)", "required field is missing")
        }
        guard valid, let name, let module, let function, let inputs else { return nil }
        return ManifestStep(
            name: name, package: module.package, versionRange: module.range, function: function, inputs: inputs,
            require: require, prefer: prefer, onFailure: policy, idempotent: idempotent, state: state)
    }

    private enum ParsedState {
        case valid(KeptState?)
        case invalid
    }

    /// `state: keep`, `state: none`, or `state: {keep: true, checkpoint: 10s}`.
    private mutating func stepState(_ node: Node, at path: String) -> ParsedState {
        if let word = node.scalar?.string {
            switch word {
            case "keep": return .valid(KeptState())
            case "none": return .valid(nil)
            default:
                report(node, path, "\"\(word)\" is not a state; use keep, none or {keep: true, checkpoint: 10s}")
                return .invalid
            }
        }
        guard let fields = fields(of: node, at: path, allowed: ManifestKeys.state) else { return .invalid }
        let before = issues.count
        var keep = true
        var checkpoint: Double?
        for field in fields {
            let fieldPath = "\(path).\(field.key)"
            switch field.key {
            case "keep": keep = boolean(field.value, at: fieldPath) ?? true
            case "checkpoint":
                guard let seconds = seconds(field.value, at: fieldPath) else { break }
                guard seconds >= KeptState.minimumCheckpointSeconds else {
                    report(field.value, fieldPath, "a checkpoint interval is at least 1s")
                    break
                }
                checkpoint = seconds
            default: break
            }
        }
        guard issues.count == before else { return .invalid }
        if !keep, let checkpointNode = fields.first(where: { $0.key == "checkpoint" }) {
            report(checkpointNode.value, "\(path).checkpoint", "checkpoints need keep: true")
            return .invalid
        }
        return .valid(keep ? KeptState(checkpointSeconds: checkpoint) : nil)
    }

    private mutating func inputs(_ node: Node, at path: String, earlier: EarlierSteps) -> [String]? {
        let isSequence = isList(node)
        guard let names = texts(node, at: path) else { return nil }
        var result: [String] = []
        var listed: Set<String> = []
        var valid = true
        for (offset, name) in names.enumerated() {
            let elementPath = isSequence ? "\(path)[\(offset)]" : path
            guard earlier.contains(name) else {
                let before = earlier.isEmpty ? "it is the first step" : "steps before it: " + earlier.listed
                report(element(node, offset), elementPath, "\"\(name)\" is not an earlier step (\(before))")
                valid = false
                continue
            }
            if !listed.insert(name).inserted {
                report(element(node, offset), elementPath, "\"\(name)\" is listed twice")
                valid = false
            }
            result.append(name)
        }
        return valid ? result : nil
    }

    private mutating func constraints(_ node: Node, at path: String) -> StepConstraints? {
        guard let fields = fields(of: node, at: path, allowed: ManifestKeys.require) else { return nil }
        var result = StepConstraints()
        let before = issues.count
        for field in fields {
            let fieldPath = "\(path).\(field.key)"
            switch field.key {
            case "labels": result.labels = stringMap(field.value, at: fieldPath) ?? [:]
            case "capabilities": result.capabilities = capabilities(field.value, at: fieldPath)
            case "memory": result.memoryBytes = size(field.value, at: fieldPath)
            case "device": result.device = deviceID(field.value, at: fieldPath)
            case "avoid": result.avoid = deviceIDs(field.value, at: fieldPath) ?? []
            default: break
            }
        }
        return issues.count == before ? result : nil
    }

    private mutating func preferences(_ node: Node, at path: String) -> StepPreferences? {
        guard let fields = fields(of: node, at: path, allowed: ManifestKeys.prefer) else { return nil }
        var result = StepPreferences()
        let before = issues.count
        for field in fields {
            let fieldPath = "\(path).\(field.key)"
            switch field.key {
            case "near": result.near = texts(field.value, at: fieldPath) ?? []
            case "labels": result.labels = stringMap(field.value, at: fieldPath) ?? [:]
            case "spread": result.spread = boolean(field.value, at: fieldPath) ?? false
            case "weight":
                guard let text = text(field.value, at: fieldPath) else { break }
                if let weight = Double(text), weight.isFinite, weight > 0, weight <= 100 {
                    result.weight = weight
                } else {
                    report(field.value, fieldPath, "\"\(text)\" is not a weight; use a number above 0 and at most 100, e.g. 2")
                }
            default: break
            }
        }
        return issues.count == before ? result : nil
    }

    private mutating func capabilities(_ node: Node, at path: String) -> [String] {
        guard case .sequence = node else {
            report(node, path, "expected a list of capabilities such as [camera.take_image], found \(node.kindDescription)")
            return []
        }
        let names = texts(node, at: path) ?? []
        for (offset, name) in names.enumerated() {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count != 2 || parts.contains(where: \.isEmpty) {
                report(element(node, offset), "\(path)[\(offset)]", "\"\(name)\" is not a capability; write module.name, e.g. camera.take_image")
            }
        }
        return names
    }

    private mutating func size(_ node: Node, at path: String) -> UInt64? {
        guard let text = text(node, at: path) else { return nil }
        guard let bytes = ByteCount.parse(text) else {
            report(node, path, "\"\(text)\" is not a size; use e.g. 256MiB or 268435456")
            return nil
        }
        return bytes
    }

    private func isList(_ node: Node) -> Bool {
        if case .sequence = node { return true }
        return false
    }

    /// The offset-th element of a list, or the node itself when it is not a list.
    private func element(_ node: Node, _ offset: Int) -> Node {
        guard case .sequence(let sequence) = node, offset < sequence.count else { return node }
        return sequence[offset]
    }

    private func nearField(of prefer: Node) -> Node? {
        guard case .mapping(let mapping) = prefer else { return nil }
        return mapping.first { $0.key.scalar?.string == "near" }?.value
    }
}

/// The steps declared before one step, answered by lookup; the list itself is built only for a
/// message.
private struct EarlierSteps {
    let index: Int
    let declared: [String?]
    let firstDeclared: [String: Int]

    var isEmpty: Bool { !declared[..<index].contains { $0 != nil } }

    func contains(_ name: String) -> Bool { firstDeclared[name].map { $0 < index } ?? false }

    /// At most this many earlier steps are named in a message; the rest are counted.
    static let listedAtMost = 20

    /// The distinct names in declaration order, for a message: `a, b, c` or `a, ..., t and 9,980 more`.
    var listed: String {
        var seen: Set<String> = []
        let names = declared[..<index].compactMap { $0 }.filter { seen.insert($0).inserted }
        guard names.count > Self.listedAtMost else { return names.joined(separator: ", ") }
        return names.prefix(Self.listedAtMost).joined(separator: ", ") + " and \(names.count - Self.listedAtMost) more"
    }
}
