import TideModel
import TideYAML
import Yams

/// Reads deployment manifests: Tide's own form in YAML or JSON, and the wasmiot form
/// `{"name", "sequence": [{"device", "module", "func"}]}`, told apart by its `sequence` field.
public enum ManifestParser {
    /// Parses and validates manifest text. `fileName` starts each message of the error.
    public static func parse(_ text: String, fileName: String = "manifest.yaml") throws(ManifestError) -> DeploymentManifest {
        let root: Node
        do {
            root = try BoundedYAML.document(
                text, detailed: false, whenEmpty: "the manifest is empty; it needs a name and at least one step")
        } catch {
            throw ManifestError(fileName: fileName, issues: [error])
        }
        var reader = YAMLReader()
        let manifest: DeploymentManifest?
        if case .mapping(let mapping) = root, mapping.keys.contains(where: { $0.scalar?.string == "sequence" }) {
            manifest = reader.wasmiotManifest(root)
        } else {
            manifest = reader.manifest(root)
        }
        guard let manifest, reader.issues.isEmpty else {
            let ordered = reader.issues.enumerated().sorted { lhs, rhs in
                (lhs.element.line ?? 0, lhs.offset) < (rhs.element.line ?? 0, rhs.offset)
            }.map(\.element)
            throw ManifestError(fileName: fileName, issues: ordered)
        }
        return manifest
    }

    /// Parses UTF-8 bytes.
    public static func parse(_ bytes: [UInt8], fileName: String = "manifest.yaml") throws(ManifestError) -> DeploymentManifest {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ManifestError(fileName: fileName, issues: [ManifestIssue(line: nil, path: "", message: "the file is not UTF-8 text")])
        }
        return try parse(text, fileName: fileName)
    }
}

enum ManifestKeys {
    static let top = ["name", "steps", "on-failure", "update"]
    static let update = ["max-parallel", "canary", "auto-promote", "min-healthy-time", "auto-revert", "check"]
    static let rolloutCheck = ["run", "max-error-rate"]
    static let step = ["name", "module", "function", "input", "require", "prefer", "on-failure", "idempotent", "state"]
    static let state = ["keep", "checkpoint"]
    static let require = ["labels", "capabilities", "memory", "device", "avoid"]
    static let prefer = ["near", "labels", "spread", "weight"]
    static let failurePolicy = ["fallback"]
    static let wasmiotTop = ["name", "sequence"]
    static let wasmiotStep = ["device", "module", "func"]
}

extension YAMLReader {
    mutating func manifest(_ root: Node) -> DeploymentManifest? {
        guard let fields = fields(of: root, at: "", allowed: ManifestKeys.top) else { return nil }
        var name: String?
        var steps: [ManifestStep]?
        var policy = FailurePolicy.move
        var update: UpdateStrategy?
        for field in fields {
            switch field.key {
            case "name": name = self.name(field.value, at: "name")
            case "steps": steps = self.steps(field.value)
            case "on-failure": policy = failurePolicy(field.value, at: "on-failure") ?? .move
            case "update": update = updateStrategy(field.value, at: "update")
            default: break
            }
        }
        for key in ["name", "steps"] where !fields.contains(where: { $0.key == key }) {
            report(root.line, key, "required field is missing")
        }
        guard let name, let steps else { return nil }
        return DeploymentManifest(name: name, steps: steps, onFailure: policy, update: update)
    }

    mutating func name(_ node: Node, at path: String) -> String? {
        guard let text = text(node, at: path) else { return nil }
        guard DeploymentManifest.isValidName(text) else {
            report(node, path, "\"\(text)\" is not a valid name; use 1-63 lowercase letters, digits and \"-\", starting with a letter")
            return nil
        }
        return text
    }

    mutating func failurePolicy(_ node: Node, at path: String) -> FailurePolicy? {
        let usage = "use move or {fallback: [device, ...]}"
        if case .scalar(let scalar) = node {
            guard scalar.string == "move" else {
                report(node, path, "\"\(scalar.string)\" is not a failure policy; \(usage)")
                return nil
            }
            return .move
        }
        guard case .mapping = node else {
            report(node, path, "expected a failure policy, found \(node.kindDescription); \(usage)")
            return nil
        }
        guard let fields = fields(of: node, at: path, allowed: ManifestKeys.failurePolicy) else { return nil }
        guard let list = fields.first else {
            report(node, path, "fallback is missing; \(usage)")
            return nil
        }
        guard let devices = deviceIDs(list.value, at: "\(path).fallback") else { return nil }
        if devices.isEmpty { report(list.value, "\(path).fallback", "list at least one device") }
        return .fallback(devices)
    }

    mutating func deviceIDs(_ node: Node, at path: String) -> [DeviceID]? {
        guard case .sequence(let sequence) = node else {
            report(node, path, "expected a list of device ids, found \(node.kindDescription)")
            return nil
        }
        var result: [DeviceID] = []
        for (index, element) in sequence.enumerated() {
            if let id = deviceID(element, at: "\(path)[\(index)]") { result.append(id) }
        }
        return result
    }

    mutating func deviceID(_ node: Node, at path: String) -> DeviceID? {
        guard let text = text(node, at: path) else { return nil }
        guard DeviceID.isValid(text) else {
            report(node, path, "\"\(text)\" is not a device id; use 1-128 letters, digits, \"-\", \"_\" or \".\"")
            return nil
        }
        return DeviceID(text)
    }

    mutating func module(_ node: Node, at path: String) -> ModuleReference? {
        guard let text = text(node, at: path) else { return nil }
        switch ModuleReference.parse(text) {
        case .success(let reference):
            return reference
        case .failure(.invalidName(let name)):
            report(node, path, "\"\(name)\" is not a package name; write package@range, e.g. camera-capture@^1.0")
        case .failure(.invalidRange(let error)):
            report(node, path, "\(error.description); write package@range, e.g. camera-capture@^1.0")
        }
        return nil
    }
}
