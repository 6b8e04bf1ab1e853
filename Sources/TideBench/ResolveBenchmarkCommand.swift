import TideFixtures
import ArgumentParser
import Foundation
import TideModel
import TideResolver

/// `tide-bench resolve`: the resolver on seeded synthetic registries, and optionally Python's
/// resolvelib on the same index in the same run, for a ratio.
struct ResolveBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Time the dependency resolver on synthetic registries (sweep, deep root, unsatisfiable root).",
        discussion: """
            The medium preset has about 350 packages, 2,000 versions and 15,000 dependency edges with real \
            conflicts. With --reference-python PATH (a Python with resolvelib installed), the same index \
            and roots are also resolved by scripts/bench/resolvelib_reference.py and ratios are reported.
            """)

    @Option(help: "Presets to run: small, medium, large (comma-separated).") var presets = "medium"
    @Option(help: "Repetitions of the --all sweep (median reported).") var sweepRepetitions = 7
    @Option(help: "Repetitions of each single root.") var rootRepetitions = 31
    @Option(help: ArgumentHelp("A python3 with resolvelib, to time the reference in the same run.", valueName: "path"))
    var referencePython: String?
    @Option(help: "Sweep repetitions for the reference (it is slow).") var referenceRepetitions = 1
    @Option(help: ArgumentHelp("The reference script.", valueName: "path"))
    var referenceScript = "scripts/bench/resolvelib_reference.py"

    struct Report: Encodable {
        var benchmark = "resolve"
        var build = BuildMode.current
        var tide: BenchmarkReport
        var reference: [String: JSONValue]?
        var ratios: [String: Double]?
        var goals: [String: Bool]
    }

    func run() async throws {
        let chosen = try presets.split(separator: ",").map { name in
            guard let preset = SyntheticRegistryParameters.Preset(rawValue: String(name)) else {
                throw ValidationError("unknown preset \"\(name)\": use small, medium or large")
            }
            return preset
        }
        let report = ResolverBenchmark.run(.init(presets: chosen, sweepRepetitions: sweepRepetitions, rootRepetitions: rootRepetitions))
        var goals: [String: Bool] = [:]
        if let medium = report.presets.first(where: { $0.preset == "medium" }) {
            goals["mediumSweepUnder300ms"] = medium.sweep.withExplanations.medianMilliseconds < 300
            if let unsatisfiable = medium.unsatisfiableRoot {
                goals["unsatisfiableProofUnder30ms"] = unsatisfiable.timing.medianMilliseconds < 30
            }
        }
        var output = Report(tide: report, goals: goals)
        if let python = referencePython, let first = report.presets.first {
            let (reference, ratios) = try runReference(python: python, preset: first)
            output.reference = reference
            output.ratios = ratios
        }
        print(try TideJSON.text(output))
    }

    private func runReference(python: String, preset: BenchmarkReport.PresetReport) throws
        -> ([String: JSONValue], [String: Double])
    {
        guard let parameters = SyntheticRegistryParameters.Preset(rawValue: preset.preset) else { return ([:], [:]) }
        let registry = SyntheticRegistry(preset: parameters)
        let indexPath = FileManager.default.temporaryDirectory.appendingPathComponent("tide-bench-index-\(UUID().uuidString).json").path
        try registry.index.jsonText().write(toFile: indexPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: indexPath) }

        guard FileManager.default.fileExists(atPath: referenceScript) else {
            throw BenchFailure("no reference script at \(referenceScript): run from the repository root or pass --reference-script")
        }
        var arguments = [referenceScript, indexPath, "--all", "--repetitions", String(referenceRepetitions)]
        var roots = [("deepRoot", preset.deepRoot)]
        if let unsatisfiable = preset.unsatisfiableRoot { roots.append(("unsatisfiableRoot", unsatisfiable)) }
        for (_, root) in roots { arguments += ["--root", root.referenceRoot] }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchFailure("the resolvelib reference failed (exit \(process.terminationStatus))") }
        let reference = try JSONDecoder().decode([String: JSONValue].self, from: data)

        var ratios: [String: Double] = [:]
        if let sweep = reference["sweep"]?["medianMilliseconds"]?.numberValue {
            ratios["sweep"] = sweep / preset.sweep.withExplanations.medianMilliseconds
        }
        for (index, (name, root)) in roots.enumerated() {
            if let milliseconds = reference["roots"]?.arrayValue?[index]["medianMilliseconds"]?.numberValue {
                ratios[name] = milliseconds / root.timing.medianMilliseconds
            }
        }
        return (reference, ratios)
    }
}
