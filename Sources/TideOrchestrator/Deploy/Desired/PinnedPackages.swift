import TideModel
import TidePackageFormat

/// The package versions a deployment pins: each step's own (steps may pin different versions of
/// one package), and one version of every package the steps' modules import (a device links
/// imports by package name, so a node holds one version of each).
struct PinnedPackages: Sendable {
    /// `name@version` -> the entry.
    private var byKey: [String: RegistryEntry] = [:]
    /// Step name -> the version of its package.
    private var stepVersions: [String: String] = [:]
    /// Package name -> its versions pinned, newest last.
    private var versions: [String: [String]] = [:]

    init() {}

    /// `entries` pinned, each step at the version `pins` names.
    init(entries: [RegistryEntry], pins: [String: String]) {
        for entry in entries { add(entry) }
        stepVersions = pins
    }

    static func key(_ name: String, _ version: String) -> String { name + "@" + version }

    /// `step` runs its package at `version`.
    mutating func pin(_ step: String, at version: String) { stepVersions[step] = version }

    mutating func add(_ entry: RegistryEntry) {
        let key = Self.key(entry.record.name, entry.record.version)
        guard byKey[key] == nil else { return }
        byKey[key] = entry
        versions[entry.record.name, default: []].append(entry.record.version)
    }

    /// The entry of the package `step` runs.
    func entry(of step: ManifestStep) -> RegistryEntry? {
        stepVersions[step.name].flatMap { byKey[Self.key(step.package, $0)] }
    }

    /// The one version of a package the steps import; nil when none or several are pinned.
    func imported(_ name: String) -> RegistryEntry? {
        guard let pinned = versions[name], pinned.count == 1 else { return nil }
        return byKey[Self.key(name, pinned[0])]
    }

    /// Every pinned version, by name then version.
    var all: [RegistryEntry] {
        byKey.values.sorted { ($0.record.name, $0.version) < ($1.record.name, $1.version) }
    }

    /// The package of `step` and everything it imports, as pinned.
    func closure(of step: ManifestStep) -> [RegistryEntry] {
        guard let own = entry(of: step) else { return [] }
        var seen: Set<String> = [own.record.name]
        var pending = own.record.dependencies.keys.sorted()
        var result = [own]
        while let next = pending.popLast() {
            guard seen.insert(next).inserted, let entry = imported(next) else { continue }
            result.append(entry)
            pending.append(contentsOf: entry.record.dependencies.keys.sorted())
        }
        return result
    }
}
