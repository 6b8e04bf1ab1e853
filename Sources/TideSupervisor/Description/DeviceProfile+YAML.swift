import TideYAML
import Yams

extension DeviceProfile {
    static let topLevelKeys = ["name", "labels", "peripherals", "simulation"]
    static let peripheralKeys = ["name", "kind", "simulated"]
    static let simulationKeys = ["memory", "cpu", "arch"]
    static let cpuKeys = ["name", "clockHz"]

    /// Parses profile text with the walker manifests and package.yaml use: an unknown key at any
    /// level, a value of the wrong type or an unknown peripheral kind is refused, each with its
    /// line; the error lists every problem found.
    public static func parse(_ yaml: String, source: String = "the profile") throws(DeviceProfileError) -> DeviceProfile {
        let root: Node
        do {
            root = try BoundedYAML.document(
                yaml, detailed: true, whenEmpty: "the file is empty; a profile sets at least one of " + topLevelKeys.joined(separator: ", "))
        } catch {
            throw DeviceProfileError(source: source, issues: [error])
        }
        var reader = YAMLReader()
        let profile = reader.deviceProfile(root)
        guard let profile, reader.issues.isEmpty else { throw DeviceProfileError(source: source, issues: reader.issues) }
        return profile
    }
}

extension YAMLReader {
    mutating func deviceProfile(_ root: Node) -> DeviceProfile? {
        guard let all = entries(of: root, at: "", expecting: "fields such as \"name: lobby-camera\"") else { return nil }
        var profile = DeviceProfile()
        for field in allowedEntries(all, allowed: DeviceProfile.topLevelKeys, at: "", suggesting: true) {
            switch field.key {
            case "name": profile.name = text(field.value, at: "name")
            case "labels": profile.labels = stringMap(field.value, at: "labels") ?? [:]
            case "peripherals": profile.peripherals = peripherals(field.value)
            case "simulation": simulation(field.value, into: &profile)
            default: break
            }
        }
        return profile
    }

    private mutating func peripherals(_ node: Node) -> [DeviceProfile.Peripheral] {
        if node.isNull { return [] }
        guard case .sequence(let sequence) = node else {
            report(node, "peripherals", "expected a list such as [{ name: cam0, kind: camera }], found \(node.kindDescription)")
            return []
        }
        var result: [DeviceProfile.Peripheral] = []
        for (index, element) in sequence.enumerated() {
            if let peripheral = peripheral(element, at: "peripherals[\(index)]") { result.append(peripheral) }
        }
        return result
    }

    private mutating func peripheral(_ node: Node, at path: String) -> DeviceProfile.Peripheral? {
        let expected = "a mapping with fields " + DeviceProfile.peripheralKeys.joined(separator: ", ")
        guard let all = entries(of: node, at: path, expecting: expected) else { return nil }
        let fields = allowedEntries(all, allowed: DeviceProfile.peripheralKeys, at: path, suggesting: true)
        var name: String?
        var kind: DeviceProfile.PeripheralKind?
        var kindText: String?
        for field in fields {
            switch field.key {
            case "name": name = text(field.value, at: "\(path).name")
            case "kind":
                kindText = text(field.value, at: "\(path).kind")
                kind = kindText.flatMap { peripheralKind($0, node: field.value, at: "\(path).kind") }
            case "simulated":
                if boolean(field.value, at: "\(path).simulated") == false {
                    report(field.value, "\(path).simulated", "this supervisor only simulates peripherals so far; remove simulated: false")
                }
            default: break
            }
        }
        guard required("kind", in: fields, at: path, line: node.line) != nil, let kind, let kindText else { return nil }
        return DeviceProfile.Peripheral(name: name ?? kindText, kind: kind, simulated: true)
    }

    private mutating func peripheralKind(_ text: String, node: Node, at path: String) -> DeviceProfile.PeripheralKind? {
        switch text.lowercased() {
        case "camera": return .camera
        case "temperature-humidity", "temperature", "humidity", "sensor", "dht22": return .temperatureHumidity
        default:
            report(node, path, "unknown peripheral kind \"\(text)\"; use camera or temperature-humidity")
            return nil
        }
    }

    private mutating func simulation(_ node: Node, into profile: inout DeviceProfile) {
        guard let fields = nestedFields(node, allowed: DeviceProfile.simulationKeys, at: "simulation") else { return }
        for field in fields {
            switch field.key {
            case "memory":
                guard let text = text(field.value, at: "simulation.memory") else { continue }
                guard let bytes = ByteSize.parse(text) else {
                    report(field.value, "simulation.memory", "\"\(text)\" is not a size such as 268435456, 256MiB or 1GiB")
                    continue
                }
                profile.simulatedMemoryBytes = bytes
            case "cpu":
                guard let cpu = nestedFields(field.value, allowed: DeviceProfile.cpuKeys, at: "simulation.cpu") else { continue }
                for entry in cpu {
                    switch entry.key {
                    case "name": profile.simulatedCPUName = text(entry.value, at: "simulation.cpu.name")
                    case "clockHz": profile.simulatedCPUClockHz = hertz(entry.value, at: "simulation.cpu.clockHz")
                    default: break
                    }
                }
            case "arch": profile.simulatedArch = text(field.value, at: "simulation.arch")
            default: break
            }
        }
    }

    /// The allowed entries of a nested mapping; unknown keys are reported with a suggestion.
    private mutating func nestedFields(_ node: Node, allowed: [String], at path: String) -> [YAMLEntry]? {
        guard let all = entries(of: node, at: path, expecting: "a mapping with fields " + allowed.joined(separator: ", ")) else {
            return nil
        }
        return allowedEntries(all, allowed: allowed, at: path, suggesting: true)
    }

    private mutating func hertz(_ node: Node, at path: String) -> UInt64? {
        guard let text = text(node, at: path) else { return nil }
        guard let value = UInt64(text) else {
            report(node, path, "\"\(text)\" is not a whole number of hertz such as 1200000000")
            return nil
        }
        return value
    }
}
