import TideModel
import TideResolver

/// Times the resolver on synthetic registries: the full sweep, a single deep root and the proof
/// that a root with a deep conflict is unsatisfiable. Run it from a release build.
public enum ResolverBenchmark {
    public struct Options: Sendable, Hashable {
        public var presets: [SyntheticRegistryParameters.Preset]
        public var sweepRepetitions: Int
        public var rootRepetitions: Int

        public init(
            presets: [SyntheticRegistryParameters.Preset] = [.medium], sweepRepetitions: Int = 7,
            rootRepetitions: Int = 31
        ) {
            self.presets = presets
            self.sweepRepetitions = max(1, sweepRepetitions)
            self.rootRepetitions = max(1, rootRepetitions)
        }
    }

    public static func run(_ options: Options = Options()) -> BenchmarkReport {
        BenchmarkReport(presets: options.presets.map { preset in
            run(registry: SyntheticRegistry(preset: preset), options: options)
        })
    }

    public static func run(registry: SyntheticRegistry, options: Options = Options()) -> BenchmarkReport.PresetReport {
        let index = registry.index
        var withExplanations: [Double] = []
        var withoutExplanations: [Double] = []
        var report = IndexSweep.run(index)
        for _ in 0..<options.sweepRepetitions {
            report = IndexSweep.run(index)
            withExplanations.append(report.durationMilliseconds)
            withoutExplanations.append(IndexSweep.run(index, options: .init(includeExplanations: false)).durationMilliseconds)
        }
        let sweep = BenchmarkReport.SweepFigures(
            roots: report.roots.count, resolved: report.resolved, unsatisfiable: report.unsatisfiable,
            withExplanations: BenchmarkTiming(withExplanations),
            withoutExplanations: BenchmarkTiming(withoutExplanations))

        let deep = deepestRoot(report)
        let deepRequirements = deep.map { [PackageDependency($0.package, .exactly($0.version))] } ?? []
        let unsatisfiable = deep.flatMap { unsatisfiableRoot(near: $0, registry: registry, report: report) }
        return BenchmarkReport.PresetReport(
            preset: registry.parameters.name, seed: registry.parameters.seed,
            packages: registry.provider.packageNames.count, versions: registry.versionCount,
            edges: registry.edgeCount, sweep: sweep,
            deepRoot: figures(deepRequirements, registry.provider, options.rootRepetitions),
            unsatisfiableRoot: unsatisfiable.map { figures($0, registry.provider, options.rootRepetitions) })
    }

    /// The resolved root with the largest solution (ties broken by name and version).
    static func deepestRoot(_ report: SweepReport) -> SweepOutcome? {
        report.roots.filter { $0.status == .resolved }.max { a, b in
            let sizeA = a.solution?.count ?? 0
            let sizeB = b.solution?.count ?? 0
            if sizeA != sizeB { return sizeA < sizeB }
            return (a.package, a.version) > (b.package, b.version)
        }
    }

    /// A root made unsatisfiable deep in the graph: a resolvable deep root plus a requirement on
    /// another compatibility class of a foundational package that the root only reaches
    /// transitively. Prefers the candidate whose explanation is longest.
    static func unsatisfiableRoot(
        near deep: SweepOutcome, registry: SyntheticRegistry, report: SweepReport
    ) -> [PackageDependency]? {
        let provider = registry.provider
        let layer = Dictionary(uniqueKeysWithValues: registry.packagesByLayer.enumerated().map { ($1, $0) })
        let roots = report.roots.filter { $0.status == .resolved }
            .sorted { ($0.solution?.count ?? 0, $1.package) > ($1.solution?.count ?? 0, $0.package) }
            .prefix(8)
        var best: (requirements: [PackageDependency], lines: Int)?
        for root in [deep] + roots {
            let direct = Set(provider.dependencies(of: root.package, version: root.version).map(\.name))
            let solution = (root.solution ?? []).filter { $0.name != root.package && !direct.contains($0.name) }
                .sorted { (layer[$0.name] ?? 0, $0.name) < (layer[$1.name] ?? 0, $1.name) }
            for chosen in solution.prefix(6) {
                for other in provider.versions(of: chosen.name).reversed()
                where !other.isPrerelease && !VersionRange.caret(chosen.version).contains(other) {
                    let requirements = [
                        PackageDependency(root.package, .exactly(root.version)),
                        PackageDependency(chosen.name, .caret(other)),
                    ]
                    do {
                        _ = try Resolver(provider: provider).resolve(requirements)
                    } catch {
                        let lines = error.explanation?.lines.count ?? 0
                        if lines > (best?.lines ?? 0) { best = (requirements, lines) }
                    }
                    break
                }
            }
        }
        return best?.requirements
    }

    static func figures(
        _ requirements: [PackageDependency], _ provider: InMemoryPackageProvider, _ repetitions: Int
    ) -> BenchmarkReport.RootFigures {
        let clock = ContinuousClock()
        var samples: [Double] = []
        var outcome: Result<Resolution, ResolutionError> = .failure(.internalInconsistency("not run"))
        for _ in 0..<repetitions {
            let start = clock.now
            do {
                outcome = .success(try Resolver(provider: provider).resolve(requirements))
            } catch {
                outcome = .failure(error)
            }
            samples.append((clock.now - start).inMilliseconds)
        }
        let explanation = (try? outcome.get()) == nil ? outcomeExplanation(outcome) : nil
        return BenchmarkReport.RootFigures(
            requirements: requirements.map(\.description),
            referenceRoot: requirements.map(\.description).joined(separator: "; "),
            solutionPackages: (try? outcome.get())?.packages.count,
            explanationLines: explanation?.count,
            explanation: explanation,
            timing: BenchmarkTiming(samples))
    }

    private static func outcomeExplanation(_ outcome: Result<Resolution, ResolutionError>) -> [String]? {
        if case .failure(let error) = outcome { return error.explanation?.lines ?? [error.description] }
        return nil
    }
}
