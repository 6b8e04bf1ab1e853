/// Timings of repeated runs, in milliseconds (monotonic clock).
public struct BenchmarkTiming: Sendable, Hashable, Codable {
    public var repetitions: Int
    public var medianMilliseconds: Double
    public var minimumMilliseconds: Double
    public var maximumMilliseconds: Double

    public init(_ samples: [Double]) {
        let sorted = samples.sorted()
        repetitions = sorted.count
        medianMilliseconds = sorted.isEmpty ? 0
            : sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        minimumMilliseconds = sorted.first ?? 0
        maximumMilliseconds = sorted.last ?? 0
    }
}

/// What `tide-bench resolve` prints as JSON.
public struct BenchmarkReport: Sendable, Hashable, Codable {
    public var presets: [PresetReport]

    public init(presets: [PresetReport]) {
        self.presets = presets
    }

    public struct PresetReport: Sendable, Hashable, Codable {
        public var preset: String
        public var seed: UInt64
        public var packages: Int
        public var versions: Int
        public var edges: Int
        public var sweep: SweepFigures
        public var deepRoot: RootFigures
        public var unsatisfiableRoot: RootFigures?
    }

    /// The `--all` sweep: every version of every package as its own root.
    public struct SweepFigures: Sendable, Hashable, Codable {
        public var roots: Int
        public var resolved: Int
        public var unsatisfiable: Int
        public var withExplanations: BenchmarkTiming
        public var withoutExplanations: BenchmarkTiming
    }

    /// One root resolved from a cold catalog (the provider is read as in a real request).
    public struct RootFigures: Sendable, Hashable, Codable {
        /// Requirements as `name range`, e.g. `["vision-kit =3.1.0", "json-core ^1.0"]`.
        public var requirements: [String]
        /// The same root in the reference script's `--root` syntax (`;` between requirements).
        public var referenceRoot: String
        public var solutionPackages: Int?
        public var explanationLines: Int?
        public var explanation: [String]?
        public var timing: BenchmarkTiming
    }
}
