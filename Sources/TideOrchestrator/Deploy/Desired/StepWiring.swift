import TideModel
import TidePackageFormat

/// How a deployment's steps feed each other. A step whose output goes to exactly one step, which
/// takes no other input, is chained on the devices themselves (wasmiot's `to`); every other edge
/// (fan-out, fan-in) is driven by the orchestrator when the pipeline runs.
struct StepWiring: Sendable {
    let manifest: DeploymentManifest
    /// Per step name: the steps it feeds, in manifest order (built once, so that wiring a large
    /// deployment stays linear in its steps).
    private let fed: [String: [String]]
    private let byName: [String: ManifestStep]

    init(manifest: DeploymentManifest) {
        self.manifest = manifest
        var fed: [String: [String]] = [:]
        for step in manifest.steps {
            for input in Set(step.inputs) { fed[input, default: []].append(step.name) }
        }
        self.fed = fed
        byName = Dictionary(manifest.steps.map { ($0.name, $0) }) { first, _ in first }
    }

    /// Steps fed by `step`, in manifest order.
    func successors(of step: String) -> [String] {
        fed[step] ?? []
    }

    /// The step `step` forwards its output to on the device, if its edge is chained.
    func chainedSuccessor(of step: String) -> String? {
        let next = successors(of: step)
        guard next.count == 1, let only = byName[next[0]], only.inputs == [step] else { return nil }
        return only.name
    }

    /// Steps no earlier step feeds: they get the run's inputs.
    var roots: [ManifestStep] { manifest.steps.filter { $0.inputs.isEmpty } }

    /// Refuses a manifest whose steps cannot hand their results on: a bytes result must feed a
    /// bytes parameter, a number a number, and a step fed by several steps takes numbers only.
    static func check(_ prepared: PreparedManifest) throws(DeploymentError) {
        let byName = Dictionary(prepared.manifest.steps.map { ($0.name, $0) }) { first, _ in first }
        for step in prepared.manifest.steps where !step.inputs.isEmpty {
            guard let function = prepared.function(of: step) else { continue }
            let label = "step \(step.name) (\(step.package).\(step.function))"
            guard function.parameters.count >= step.inputs.count else {
                throw invalid("\(label) takes \(function.parameters.count) parameter(s) but is fed by \(step.inputs.count) step(s): \(step.inputs.joined(separator: ", "))")
            }
            for (index, input) in step.inputs.enumerated() {
                guard let source = byName[input], let produced = prepared.function(of: source) else { continue }
                let parameter = function.parameters[index]
                guard let result = produced.result else {
                    throw invalid("\(label) is fed by step \(input), but \(source.package).\(source.function) returns nothing")
                }
                if (result == .bytes) != (parameter.type == .bytes) {
                    throw invalid("\(label): its parameter \(parameter.name) takes \(parameter.type.rawValue), but step \(input) (\(source.package).\(source.function)) returns \(result.rawValue)")
                }
                if result == .bytes, step.inputs.count > 1 {
                    throw invalid("\(label) is fed by several steps; only numbers can be combined, and step \(input) returns bytes")
                }
            }
        }
    }

    private static func invalid(_ message: String) -> DeploymentError {
        .invalidManifest(message, problems: [message])
    }
}
