import TideModel
import TideYAML
import Yams

/// The manifest's `update` block: how an update rolls out.
extension YAMLReader {
    mutating func updateStrategy(_ node: Node, at path: String) -> UpdateStrategy? {
        guard let fields = fields(of: node, at: path, allowed: ManifestKeys.update) else { return nil }
        var strategy = UpdateStrategy()
        for field in fields {
            let fieldPath = "\(path).\(field.key)"
            switch field.key {
            case "max-parallel":
                if let share = share(field.value, at: fieldPath, allowZero: false) { strategy.maxParallel = share }
            case "canary":
                if let share = share(field.value, at: fieldPath, allowZero: true) { strategy.canary = share }
            case "auto-promote":
                if let value = boolean(field.value, at: fieldPath) { strategy.autoPromote = value }
            case "auto-revert":
                if let value = boolean(field.value, at: fieldPath) { strategy.autoRevert = value }
            case "min-healthy-time":
                if let seconds = seconds(field.value, at: fieldPath) { strategy.minHealthySeconds = seconds }
            case "check":
                if let check = rolloutCheck(field.value, at: fieldPath) { strategy.check = check }
            default: break
            }
        }
        return strategy
    }

    private mutating func share(_ node: Node, at path: String, allowZero: Bool) -> RolloutShare? {
        guard let text = text(node, at: path) else { return nil }
        guard let share = RolloutShare.parse(text, allowZero: allowZero) else {
            report(node, path, "\"\(text)\" is not a number of devices or a percentage; use e.g. \(allowZero ? "0, " : "")2 or 10%")
            return nil
        }
        return share
    }

    /// `30s`, `500ms`, `2m`, or plain seconds; at most a day.
    mutating func seconds(_ node: Node, at path: String) -> Double? {
        guard let text = text(node, at: path) else { return nil }
        let units: [(suffix: String, scale: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let unit = units.first { text.hasSuffix($0.suffix) && Double(text.dropLast($0.suffix.count)) != nil }
        let number = unit.map { Double(text.dropLast($0.suffix.count)) } ?? Double(text)
        guard let number, number.isFinite, number >= 0, number * (unit?.scale ?? 1) <= 86_400 else {
            report(node, path, "\"\(text)\" is not a duration; use e.g. 10s, 500ms or 2m (at most a day)")
            return nil
        }
        return number * (unit?.scale ?? 1)
    }

    private mutating func rolloutCheck(_ node: Node, at path: String) -> RolloutCheck? {
        guard let fields = fields(of: node, at: path, allowed: ManifestKeys.rolloutCheck) else { return nil }
        var check = RolloutCheck()
        for field in fields {
            let fieldPath = "\(path).\(field.key)"
            switch field.key {
            case "run": check.run = runInputs(field.value, at: fieldPath)
            case "max-error-rate":
                guard let text = text(field.value, at: fieldPath) else { continue }
                let isPercent = text.hasSuffix("%")
                guard let number = Double(isPercent ? String(text.dropLast()) : text), number.isFinite, number >= 0,
                    isPercent ? number <= 100 : number <= 1
                else {
                    report(field.value, fieldPath, "\"\(text)\" is not an error rate; use a fraction from 0 to 1 or a percentage, e.g. 0.05 or 5%")
                    continue
                }
                check.maxErrorRate = isPercent ? number / 100 : number
            default: break
            }
        }
        return check
    }

    /// The probe run's inputs: names to numbers, as `tide run` takes them.
    private mutating func runInputs(_ node: Node, at path: String) -> [String: JSONValue]? {
        if case .mapping(let mapping) = node, mapping.isEmpty { return [:] }
        guard let texts = stringMap(node, at: path) else { return nil }
        var inputs: [String: JSONValue] = [:]
        for (name, text) in texts {
            guard let number = JSONNumber(text: text) else {
                report(node, "\(path).\(name)", "\"\(text)\" is not a number; a probe run's inputs are numbers, e.g. {n: 10}")
                continue
            }
            inputs[name] = .number(number)
        }
        return inputs
    }
}
