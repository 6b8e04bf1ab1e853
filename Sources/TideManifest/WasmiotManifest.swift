import TideModel
import TideYAML
import Yams

/// The wasmiot deployment form: `{"name": "...", "sequence": [{"device": id or null, "module":
/// "fibo", "func": "fibo"}]}`. Each entry becomes a step fed by the previous one, named after its
/// module (`-2`, `-3` for repeats) and pinned to its device when one is given. The name is made a
/// valid deployment name: lowercased, other characters turned into `-`.
extension YAMLReader {
    mutating func wasmiotManifest(_ root: Node) -> DeploymentManifest? {
        guard let fields = fields(of: root, at: "", allowed: ManifestKeys.wasmiotTop) else { return nil }
        var name: String?
        var steps: [ManifestStep]?
        for field in fields {
            switch field.key {
            case "name":
                guard let text = text(field.value, at: "name") else { break }
                name = Self.slug(text)
                if name == nil {
                    report(field.value, "name", "\"\(text)\" has no letters or digits to make a deployment name from")
                }
            case "sequence": steps = wasmiotSequence(field.value)
            default: break
            }
        }
        for key in ["name", "sequence"] where !fields.contains(where: { $0.key == key }) {
            report(root.line, key, "required field is missing")
        }
        guard let name, let steps else { return nil }
        return DeploymentManifest(name: name, steps: steps)
    }

    private mutating func wasmiotSequence(_ node: Node) -> [ManifestStep]? {
        guard case .sequence(let sequence) = node, !sequence.isEmpty else {
            report(node, "sequence", "expected a list of at least one {device, module, func}, found \(node.kindDescription)")
            return nil
        }
        var steps: [ManifestStep] = []
        var taken: Set<String> = []
        var nextSuffix: [String: Int] = [:]
        var valid = true
        for (index, entry) in sequence.enumerated() {
            let path = "sequence[\(index)]"
            guard let fields = fields(of: entry, at: path, allowed: ManifestKeys.wasmiotStep) else {
                valid = false
                continue
            }
            var device: DeviceID?
            var module: ModuleReference?
            var function: String?
            for field in fields {
                switch field.key {
                case "device": device = field.value.isNull ? nil : deviceID(field.value, at: "\(path).device")
                case "module": module = self.module(field.value, at: "\(path).module")
                case "func": function = text(field.value, at: "\(path).func")
                default: break
                }
            }
            for key in ["module", "func"] where !fields.contains(where: { $0.key == key }) {
                report(entry.line, "\(path).\(key)", "required field is missing")
            }
            guard let module, let function else {
                valid = false
                continue
            }
            // The next free suffix per package, so that naming stays linear in the number of steps.
            let base = String(module.package.prefix(60))
            var stepName = base
            var suffix = nextSuffix[base] ?? 2
            while taken.contains(stepName) {
                stepName = "\(base)-\(suffix)"
                suffix += 1
            }
            nextSuffix[base] = suffix
            taken.insert(stepName)
            steps.append(ManifestStep(
                name: stepName, package: module.package, versionRange: module.range, function: function,
                inputs: steps.last.map { [$0.name] } ?? [], require: StepConstraints(device: device)))
        }
        return valid ? steps : nil
    }

    /// `Camera Pipeline #2` -> `camera-pipeline-2`; a name starting with a digit gets `d-` in front.
    static func slug(_ text: String) -> String? {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else if !result.isEmpty, !result.hasSuffix("-") {
                result += "-"
            }
        }
        while result.hasSuffix("-") { result.removeLast() }
        guard let first = result.unicodeScalars.first else { return nil }
        if !("a"..."z").contains(first) { result = "d-" + result }
        result = String(result.prefix(63))
        while result.hasSuffix("-") { result.removeLast() }
        return result
    }
}
