import TideFixtures
import TideModel
import TideResolver

/// Small random registries for property tests, with cycles, unknown packages, yanks and prereleases.
struct RandomRegistry {
    var provider = InMemoryPackageProvider()
    var names: [String] = []
    var root: [PackageDependency] = []

    static let versionPool = ["0.1.0", "0.2.0", "1.0.0", "1.1.0", "1.2.0-beta.1", "1.2.0", "2.0.0", "2.1.0"]
    static let rangePool = [
        "^1.0", "^0.1", "~1.1", ">=1.0, <2", "*", "=1.0.0", "^2", "<1.1", "^1.0 || ^2.0", "^9", ">=1.2.0-beta.1, <1.3",
        "1", ">1.0.0", "<=1.1",
        "*", "*", ">=0.1", "^1.0", "<3", "^0.1 || ^1.0", ">=1.0",
    ]

    init(seed: UInt64, packages: Int = 5, yankRate: Double = 0.1) throws {
        var random = SplitMix64(seed: seed)
        names = (0..<packages).map { "p\($0)" }
        for name in names {
            let count = 1 + random.below(4)
            var versions = Set<String>()
            while versions.count < count { versions.insert(Self.versionPool[random.below(Self.versionPool.count)]) }
            for version in versions.sorted() {
                var dependencies: [String: String] = [:]
                for _ in 0..<random.below(3) {
                    let target = random.chance(0.05) ? "ghost" : names[random.below(names.count)]
                    if target == name { continue }
                    dependencies[target] = Self.rangePool[random.below(Self.rangePool.count)]
                }
                try provider.add(name, version, dependencies, yanked: random.chance(yankRate))
            }
        }
        var requirements: [String: String] = [:]
        for _ in 0..<(1 + random.below(3)) {
            let target = names[random.below(names.count)]
            if random.chance(0.2), let pinned = provider.versions(of: target).last {
                requirements[target] = "=\(pinned)"
            } else {
                requirements[target] = Self.rangePool[random.below(Self.rangePool.count)]
            }
        }
        root = try requirements.sorted { $0.key < $1.key }.map { try PackageDependency($0.key, $0.value) }
    }

    /// Whether the solution picks exactly one version per package and satisfies every constraint
    /// of the root and of every chosen version (yanked only when pinned by the root).
    func isValid(_ resolution: Resolution) -> Bool {
        var chosen: [String: SemanticVersion] = [:]
        for package in resolution.packages {
            guard chosen[package.name] == nil, provider.versions(of: package.name).contains(package.version) else { return false }
            chosen[package.name] = package.version
            if provider.isYanked(package.name, version: package.version) {
                let pinned = root.contains { $0.name == package.name && $0.range.exactVersion == package.version }
                if !pinned || !package.yanked { return false }
            }
        }
        var constraints = root
        for (name, version) in chosen { constraints += provider.dependencies(of: name, version: version) }
        return constraints.allSatisfy { constraint in
            guard let version = chosen[constraint.name] else { return false }
            return constraint.range.contains(version)
        }
    }

    /// Exhaustive search over every combination (each package absent or at one selectable version).
    func bruteForceSatisfiable() -> Bool {
        let options: [[SemanticVersion?]] = names.map { name in
            [nil] + provider.versions(of: name).filter { version in
                !provider.isYanked(name, version: version)
                    || root.contains { $0.name == name && $0.range.exactVersion == version }
            }.map { Optional($0) }
        }
        var choice = [SemanticVersion?](repeating: nil, count: names.count)
        func satisfied() -> Bool {
            var constraints = root
            for (index, version) in choice.enumerated() {
                if let version { constraints += provider.dependencies(of: names[index], version: version) }
            }
            return constraints.allSatisfy { constraint in
                guard let index = names.firstIndex(of: constraint.name), let version = choice[index] else { return false }
                return constraint.range.contains(version)
            }
        }
        func search(_ position: Int) -> Bool {
            if position == names.count { return satisfied() }
            for option in options[position] {
                choice[position] = option
                if search(position + 1) { return true }
            }
            return false
        }
        return search(0)
    }
}
