import TideModel

/// Resolves every version of every package of an index as its own root (`name =version`),
/// sharing one compiled catalog between the roots.
public enum IndexSweep {
    public struct Options: Sendable, Hashable {
        /// Write the explanation of each unsatisfiable root (costs a little time per failure).
        public var includeExplanations: Bool
        public var rootName: String

        public init(includeExplanations: Bool = true, rootName: String = "root") {
            self.includeExplanations = includeExplanations
            self.rootName = rootName
        }
    }

    public static func run(_ index: PackageIndex, options: Options = Options()) -> SweepReport {
        run(provider: index.provider, packages: index.packageNames, options: options)
    }

    /// Sweeps the given packages (every version of each, in name then version order).
    public static func run(
        provider: any PackageProvider, packages: [String], options: Options = Options()
    ) -> SweepReport {
        let clock = ContinuousClock()
        let start = clock.now
        var session = ResolverSession(provider: provider, rootName: options.rootName)
        var outcomes: [SweepOutcome] = []
        for name in packages.sorted() {
            let versions: [SemanticVersion]
            do {
                versions = try provider.versions(of: name).sorted()
            } catch {
                outcomes.append(SweepOutcome(
                    package: name, version: SemanticVersion(0, 0, 0), status: .failed, error: "\(error)"))
                continue
            }
            for version in versions {
                outcomes.append(resolve(name, version, &session, options))
            }
        }
        let elapsed = clock.now - start
        return SweepReport(roots: outcomes, durationMilliseconds: elapsed.inMilliseconds)
    }

    private static func resolve(
        _ name: String, _ version: SemanticVersion, _ session: inout ResolverSession, _ options: Options
    ) -> SweepOutcome {
        do {
            let resolution = try session.resolve(
                [PackageDependency(name, .exactly(version))], explain: options.includeExplanations)
            return SweepOutcome(package: name, version: version, status: .resolved, solution: resolution.packages)
        } catch {
            switch error {
            case .unsatisfiable(let explanation):
                return SweepOutcome(
                    package: name, version: version, status: .unsatisfiable,
                    explanation: options.includeExplanations ? explanation.lines : nil)
            case .providerFailure, .internalInconsistency, .tooComplex:
                return SweepOutcome(package: name, version: version, status: .failed, error: error.description)
            }
        }
    }
}

