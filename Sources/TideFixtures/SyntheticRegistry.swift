import TideModel
import TideResolver

/// A seeded, deterministic registry of realistic shape: power-law popularity of dependencies,
/// several majors per package, mixes of caret/tilde/bounded/exact ranges, some prereleases and
/// yanks, and dependencies that stay on older majors, which is where real conflicts come from.
///
/// Packages form layers: a package only depends on packages generated before it, so early
/// packages are foundational (and popular) and late ones are applications with deep graphs.
public struct SyntheticRegistry: Sendable {
    public let parameters: SyntheticRegistryParameters
    public let provider: InMemoryPackageProvider
    /// Package names from the most foundational to the most dependent.
    public let packagesByLayer: [String]

    public init(preset: SyntheticRegistryParameters.Preset) {
        self.init(preset.parameters)
    }

    public init(_ parameters: SyntheticRegistryParameters) {
        var generator = SyntheticRegistryGenerator(parameters)
        self.parameters = parameters
        provider = generator.generate()
        packagesByLayer = generator.names
    }

    public var index: PackageIndex { PackageIndex(provider: provider) }
    public var versionCount: Int { provider.versionCount }
    public var edgeCount: Int { provider.dependencyCount }
}

/// The generation steps of `SyntheticRegistry`.
struct SyntheticRegistryGenerator {
    private struct Release {
        var version: SemanticVersion
        var time: Double
    }

    /// A dependency a package keeps across its versions, with its author's habits.
    private struct Edge {
        var target: Int
        var introducedAt: Int
        var droppedAt: Int
        var style: Int
        var lagging: Bool
    }

    let parameters: SyntheticRegistryParameters
    private let majorBumpRate = 0.06
    private var random: SplitMix64
    private(set) var names: [String] = []
    private var releases: [[Release]] = []

    init(_ parameters: SyntheticRegistryParameters) {
        self.parameters = parameters
        random = SplitMix64(seed: parameters.seed)
    }

    mutating func generate() -> InMemoryPackageProvider {
        let count = max(1, parameters.packages)
        names = makeNames(count)
        let versionCounts = makeVersionCounts(count)
        releases = versionCounts.map { makeReleases($0) }
        let edges = makeEdges(versionCounts)

        var provider = InMemoryPackageProvider()
        for package in 0..<count {
            // Packages generated so far are final, so one session can check all versions of this one.
            var session = ResolverSession(provider: provider)
            var current: [Int: VersionRange] = [:]
            for (index, release) in releases[package].enumerated() {
                var chosen: [(edge: Edge, base: SemanticVersion, range: VersionRange)] = []
                for edge in edges[package] where edge.introducedAt <= index && index < edge.droppedAt {
                    let base = targetVersion(edge, at: release.time)
                    if let range = current[edge.target], range.contains(base), !random.chance(0.15) {
                        chosen.append((edge, base, range))
                    } else {
                        chosen.append((edge, base, makeRange(base, style: edge.style)))
                    }
                }
                if !random.chance(parameters.conflictRate) {
                    repair(&chosen, &session)
                }
                for entry in chosen { current[entry.edge.target] = entry.range }
                let yanked = releases[package].count > 1 && random.chance(parameters.yankRate)
                provider.add(
                    names[package], release.version,
                    dependencies: chosen.map { PackageDependency(names[$0.edge.target], $0.range) },
                    yanked: yanked)
            }
        }
        return provider
    }

    /// What an author does before publishing: if the dependencies do not resolve together, add them
    /// one at a time, each at the newest compatibility class of its target that still resolves with
    /// the ones already added, and leave out a dependency no class of which fits.
    private func repair(
        _ chosen: inout [(edge: Edge, base: SemanticVersion, range: VersionRange)], _ session: inout ResolverSession
    ) {
        func resolves(_ entries: [(edge: Edge, base: SemanticVersion, range: VersionRange)]) -> Bool {
            let requirements = entries.map { PackageDependency(names[$0.edge.target], $0.range) }
            return (try? session.resolve(requirements, explain: false)) != nil
        }
        if resolves(chosen) { return }
        var accepted: [(edge: Edge, base: SemanticVersion, range: VersionRange)] = []
        for entry in chosen {
            if resolves(accepted + [entry]) {
                accepted.append(entry)
                continue
            }
            for base in classBases(of: entry.edge.target) where !entry.range.contains(base) {
                let attempt = (edge: entry.edge, base: base, range: makeRange(base, style: entry.edge.style))
                if resolves(accepted + [attempt]) {
                    accepted.append(attempt)
                    break
                }
            }
        }
        chosen = accepted
    }

    /// The newest release of each compatibility class of a package, newest class first.
    private func classBases(of package: Int) -> [SemanticVersion] {
        var bases: [SemanticVersion] = []
        for release in releases[package].reversed() where !release.version.isPrerelease {
            if !bases.contains(where: { compatible($0, release.version) }) { bases.append(release.version) }
        }
        return bases
    }

    // MARK: - Names and versions

    private mutating func makeNames(_ count: Int) -> [String] {
        let stems = [
            "sensor", "camera", "mqtt", "edge", "wasm", "tensor", "image", "audio", "gpio", "lora",
            "zigbee", "ble", "modbus", "coap", "http", "json", "cbor", "crypto", "tls", "log",
            "metric", "trace", "queue", "cache", "store", "codec", "frame", "filter", "kalman", "fft",
            "pid", "motor", "servo", "thermo", "humid", "light", "power", "clock", "time", "geo",
            "vision", "detect", "classify", "infer", "model", "stream", "batch", "sync", "mesh", "ota",
        ]
        let suffixes = [
            "core", "kit", "utils", "io", "proto", "client", "server", "driver", "sdk", "runtime",
            "bridge", "adapter", "engine", "lite", "net", "ops", "hub", "agent", "codec", "fmt",
        ]
        var combinations: [String] = []
        for stem in stems {
            for suffix in suffixes where suffix != stem { combinations.append("\(stem)-\(suffix)") }
        }
        combinations.shuffle(using: &random)
        var result: [String] = []
        var round = 1
        while result.count < count {
            for name in combinations where result.count < count {
                result.append(round == 1 ? name : "\(name)\(round)")
            }
            round += 1
        }
        return result
    }

    private mutating func makeVersionCounts(_ count: Int) -> [Int] {
        let raw = (0..<count).map { package -> Double in
            let foundational = 1.0 - Double(package) / Double(count)
            return (0.3 + random.unit() * 1.4) * (1.0 + 1.5 * foundational)
        }
        let scale = Double(max(parameters.versions, count)) / raw.reduce(0, +)
        return raw.map { max(1, Int(($0 * scale).rounded())) }
    }

    private mutating func makeReleases(_ count: Int) -> [Release] {
        let start = random.unit() * 0.6
        var times = (0..<count).map { _ in start + random.unit() * (1 - start) }
        times.sort()
        var version = random.chance(0.3) ? SemanticVersion(0, 1, 0) : SemanticVersion(1, 0, 0)
        var result: [Release] = []
        var index = 0
        while result.count < count {
            if result.count + 1 < count, random.chance(parameters.prereleaseRate) {
                let prerelease = SemanticVersion(
                    version.major, version.minor, version.patch,
                    prerelease: [.alphanumeric("beta"), .numeric(1)])
                result.append(Release(version: prerelease, time: times[index]))
                index += 1
            }
            result.append(Release(version: version, time: times[index]))
            index += 1
            version = nextVersion(after: version)
        }
        return result
    }

    private mutating func nextVersion(after version: SemanticVersion) -> SemanticVersion {
        let roll = random.unit()
        if version.major == 0 {
            if roll < 0.08 { return SemanticVersion(1, 0, 0) }
            if roll < 0.23 { return SemanticVersion(0, version.minor + 1, 0) }
            return SemanticVersion(0, version.minor, version.patch + 1)
        }
        if roll < majorBumpRate { return SemanticVersion(version.major + 1, 0, 0) }
        if roll < 0.45 { return SemanticVersion(version.major, version.minor + 1, 0) }
        return SemanticVersion(version.major, version.minor, version.patch + 1)
    }

    // MARK: - Dependencies

    private mutating func makeEdges(_ versionCounts: [Int]) -> [[Edge]] {
        let count = versionCounts.count
        let spread = (0..<count).map { _ in 0.3 + random.unit() * 1.4 }
        // Share of a package's dependencies present in an average version, after introductions,
        // removals and the dependencies authors leave out when they do not fit (calibrated).
        let activeShare = 0.53
        func expectedEdges(_ degree: Double) -> Double {
            (0..<count).reduce(0.0) { total, package in
                total + Double(min(package, Int((degree * spread[package]).rounded())))
                    * Double(versionCounts[package]) * activeShare
            }
        }
        var low = 0.0
        var high = 64.0
        for _ in 0..<50 {
            let middle = (low + high) / 2
            if expectedEdges(middle) < Double(parameters.edges) { low = middle } else { high = middle }
        }
        let degree = (low + high) / 2
        var cumulative: [Double] = []
        var total = 0.0
        for package in 0..<count {
            total += 1.0 / Double(package + 1)
            cumulative.append(total)
        }
        return (0..<count).map { package in
            let wanted = min(package, Int((degree * spread[package]).rounded()))
            var targets: [Int] = []
            var tries = 0
            while targets.count < wanted {
                tries += 1
                var target: Int
                if tries > 40 * wanted {
                    target = (0..<package).first { !targets.contains($0) } ?? 0
                } else {
                    let point = random.unit() * cumulative[package - 1]
                    target = cumulative.partitioningIndex { $0 > point }
                    target = min(target, package - 1)
                }
                if !targets.contains(target) { targets.append(target) }
            }
            let versions = versionCounts[package]
            return targets.sorted().map { target in
                let introducedAt = random.chance(0.7) || versions == 1 ? 0 : 1 + random.below(versions - 1)
                let dropped = random.chance(0.08) && introducedAt + 1 < versions
                let droppedAt = dropped ? introducedAt + 1 + random.below(versions - introducedAt - 1) : Int.max
                return Edge(
                    target: target, introducedAt: introducedAt, droppedAt: droppedAt,
                    style: random.below(100), lagging: random.chance(parameters.lagRate))
            }
        }
    }

    /// The release of the target a dependency is written against at `time`: the newest one
    /// published by then, or for lagging dependencies the newest of the previous major.
    private func targetVersion(_ edge: Edge, at time: Double) -> SemanticVersion {
        let candidates = releases[edge.target].filter { !$0.version.isPrerelease }
        var newest = candidates.first?.version ?? SemanticVersion(1, 0, 0)
        for release in candidates where release.time <= time { newest = release.version }
        guard edge.lagging else { return newest }
        for release in candidates.reversed() where release.time <= time && !compatible(release.version, newest) {
            return release.version
        }
        return newest
    }

    /// Same caret-compatibility class (major, or minor for 0.x).
    private func compatible(_ a: SemanticVersion, _ b: SemanticVersion) -> Bool {
        a.major == b.major && (a.major != 0 || a.minor == b.minor)
    }

    private func makeRange(_ base: SemanticVersion, style: Int) -> VersionRange {
        let text: String
        switch style {
        case 0..<40: text = "^\(base.major).\(base.minor)"
        case 40..<65: text = "^\(base)"
        case 65..<75: text = "\(base.major).\(base.minor)"
        case 75..<85: text = "~\(base)"
        case 85..<95:
            let upper = base.major == 0 ? "0.\(base.minor + 1)" : "\(base.major + 1)"
            text = ">=\(base.major).\(base.minor), <\(upper)"
        case 95..<97: text = "=\(base)"
        default:
            text = base.major > 1 ? "^\(base.major - 1).0 || ^\(base.major).\(base.minor)" : ">=\(base)"
        }
        return (try? VersionRange(parsing: text)) ?? .caret(base)
    }
}

extension Array where Element == Double {
    /// First index whose element satisfies `predicate`, for a predicate that is false then true.
    fileprivate func partitioningIndex(where predicate: (Double) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
