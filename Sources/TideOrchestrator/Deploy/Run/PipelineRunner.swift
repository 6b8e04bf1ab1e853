import Foundation
import TideModel
import TidePackageFormat

/// Runs a deployment's pipeline once: calls the first steps with the run's inputs, follows each
/// device-side chain (`to`) link by link, and feeds fan-out and fan-in steps itself. Speaks both
/// supervisors' result conventions (see `HistoryReading`): a Tide supervisor answers a call with
/// its finished entry, a wasmiot supervisor with a resultUrl to poll, whose entry names the next
/// device's entry when the step forwarded its output, as the wasmiot orchestrator follows them.
struct PipelineRunner: Sendable {
    static let callTimeout: Duration = .seconds(60)
    /// Polling starts fast (a Tide supervisor's entry is usually done) and backs off to this.
    static let pollInterval: Duration = .milliseconds(5)
    static let longestPollInterval: Duration = .milliseconds(100)

    let deployment: Deployment
    let builder: NodeBuilder
    let supervisors: SupervisorClient
    /// The result labels of the steps whose functions name their results, by step name.
    var labels: [String: ResultLabels] = [:]
    var inputLimits: RunInputs.Limits = .default

    private typealias Output = HistoryReading.Output

    private struct RunFailure: Error {
        var message: String
        var steps: [RunResult.StepRun]
        /// The device answered the call with 404: it does not hold the step's node (it restarted).
        var lostNode: DeviceID?
    }

    /// A run, and the device found without its node, if any.
    struct Outcome: Sendable {
        var result: RunResult
        var lostNode: DeviceID?
    }

    func run(inputs: RunInputs) async throws -> Outcome {
        let started = ContinuousClock.now
        let wiring = StepWiring(manifest: deployment.manifest)
        let rootArguments = try await fetchBodies(try arguments(for: wiring.roots, inputs: inputs))
        var outputs: [String: Output] = [:]
        var runs: [RunResult.StepRun] = []
        var failure: String?
        var lostNode: DeviceID?
        do {
            // Steps in manifest order: every input names an earlier step, so its output is ready.
            for step in deployment.manifest.steps where outputs[step.name] == nil {
                let query: [(String, String)]
                var body: [UInt8]?
                if step.inputs.isEmpty {
                    query = rootArguments.calls[step.name]?.query ?? []
                    if case .bytes(let bytes)? = rootArguments.calls[step.name]?.body { body = bytes }
                } else {
                    var items: [(String, String)] = []
                    for (index, input) in step.inputs.enumerated() {
                        switch outputs[input] {
                        case .number(let text): items.append(("param\(index)", text))
                        case .bytes(let url): body = try await download(url, for: step.name, runs: runs)
                        case .nothing, nil: break
                        }
                    }
                    query = items
                }
                let chain = try await call(step, query: query, body: body, runs: runs)
                runs.append(contentsOf: chain.runs)
                for (name, output) in chain.outputs { outputs[name] = output }
            }
        } catch let error as RunFailure {
            failure = error.message
            runs = error.steps
            lostNode = error.lostNode
        }
        let sinks = deployment.manifest.steps.filter { wiring.successors(of: $0.name).isEmpty }
        let values = Dictionary(runs.map { ($0.step, $0.value ?? .null) }) { _, last in last }
        let result: JSONValue? = failure != nil ? nil
            : sinks.count == 1 ? values[sinks[0].name] : .object(Dictionary(sinks.map { ($0.name, values[$0.name] ?? .null) }) { a, _ in a })
        return Outcome(
            result: RunResult(
                deployment: deployment.name, generation: deployment.generation, success: failure == nil, result: result,
                error: failure, steps: runs, durationMs: (ContinuousClock.now - started).inMilliseconds,
                resultStep: failure == nil && sinks.count == 1 ? sinks[0].name : nil),
            lostNode: lostNode)
    }

    /// The label of a step's whole-number value, when its function names its results. (Kept out of
    /// `call`: Swift 6.3.1's optimizer crashed on the optional chain inline there, release only.)
    private static func label(of value: JSONValue?, from labels: ResultLabels?) -> String? {
        guard let labels, let number = value?.numberValue else { return nil }
        return labels.label(of: number)
    }

    /// Calls `step` and follows the chain of steps its device forwards to.
    private func call(_ step: ManifestStep, query: [(String, String)], body: [UInt8]?, runs: [RunResult.StepRun])
        async throws -> (runs: [RunResult.StepRun], outputs: [String: Output])
    {
        let wiring = StepWiring(manifest: deployment.manifest)
        let endpoint = try builder.endpoint(of: step)
        guard let device = deployment.step(step.name)?.device, let address = builder.addresses[device] else {
            throw RunFailure(message: "step \(step.name) has no reachable device", steps: runs, lostNode: nil)
        }
        let answer: JSONValue
        do {
            answer = try await supervisors.call(address, path: endpoint.path, query: query, body: body, timeout: Self.callTimeout)
        } catch {
            throw RunFailure(
                message: "step \(step.name) on \(device): \(error.message)", steps: runs, lostNode: error.status == 404 ? device : nil)
        }
        var requestURL: String
        var reading: HistoryReading
        if let id = answer["requestId"]?.stringValue {
            requestURL = Self.historyURL(base: address.baseURL, requestId: id)
            reading = HistoryReading(answer)
        } else if let url = answer["resultUrl"]?.stringValue, HistoryReading.isURL(url) {
            requestURL = url
            reading = .pending
        } else {
            throw RunFailure(
                message: "step \(step.name) on \(device): the call's answer has neither a requestId nor a resultUrl", steps: runs, lostNode: nil)
        }
        var current = step
        var currentDevice = device
        var done: [RunResult.StepRun] = []
        var outputs: [String: Output] = [:]
        while true {
            reading = try await settle(reading, url: requestURL, step: current.name, runs: runs + done)
            let success = reading.state == .succeeded
            let value = reading.value
            let run = RunResult.StepRun(
                step: current.name, device: currentDevice, requestURL: requestURL, success: success,
                value: value, error: reading.error, durationMs: reading.durationMs,
                label: Self.label(of: value, from: labels[current.name]))
            done.append(run)
            guard success else {
                throw RunFailure(
                    message: "step \(current.name) on \(currentDevice) failed: \(run.error ?? "no reason given")",
                    steps: runs + done)
            }
            outputs[current.name] = reading.output
            guard let nextName = wiring.chainedSuccessor(of: current.name), let next = deployment.manifest.step(named: nextName),
                let link = reading.chainedTo
            else { break }
            current = next
            currentDevice = deployment.step(nextName)?.device ?? currentDevice
            requestURL = link
            reading = .pending
        }
        return (done, outputs)
    }

    /// Polls a request-history entry until it is no longer pending, backing off from
    /// `pollInterval` to `longestPollInterval`.
    private func settle(_ reading: HistoryReading, url: String, step: String, runs: [RunResult.StepRun]) async throws -> HistoryReading {
        var reading = reading
        var interval = Self.pollInterval
        let deadline = ContinuousClock.now + Self.callTimeout
        var first = true
        while reading.state == .pending {
            guard ContinuousClock.now < deadline else {
                throw RunFailure(message: "step \(step) did not finish within \(Self.callTimeout.secondsText)", steps: runs, lostNode: nil)
            }
            if !first {
                try await Task.sleep(for: interval)
                interval = min(interval * 2, Self.longestPollInterval)
            }
            first = false
            do {
                reading = try await supervisors.entry(at: url, timeout: Self.callTimeout).map(HistoryReading.init) ?? .pending
            } catch {
                throw RunFailure(message: "step \(step): \(error.message)", steps: runs, lostNode: nil)
            }
        }
        return reading
    }

    private func download(_ url: String, for step: String, runs: [RunResult.StepRun]) async throws -> [UInt8] {
        do {
            return try await supervisors.download(url, timeout: Self.callTimeout)
        } catch {
            throw RunFailure(message: "the input of step \(step): \(error.message)", steps: runs, lostNode: nil)
        }
    }

    /// Maps the run's inputs onto the first steps' parameters (see `RunArguments`).
    private func arguments(for roots: [ManifestStep], inputs: RunInputs) throws(DeploymentError) -> RunArguments {
        let functions = roots.compactMap { step in
            builder.entries.entry(of: step)?.package.manifest.function(named: step.function).map { (step: step, function: $0) }
        }
        return try RunArguments(roots: functions, inputs: inputs)
    }

    /// Fetches the bytes inputs given as URLs, all before any step runs; at most
    /// `inputLimits.maxInputBytes` each.
    private func fetchBodies(_ arguments: RunArguments) async throws(DeploymentError) -> RunArguments {
        var arguments = arguments
        for (step, call) in arguments.calls {
            guard case .url(let url)? = call.body else { continue }
            do {
                let bytes = try await supervisors.download(url, timeout: Self.callTimeout, limit: inputLimits.maxInputBytes)
                arguments.calls[step]?.body = .bytes(bytes)
            } catch {
                throw .badRequest("the bytes input of step \(step): cannot fetch \(url.prefix(200)): \(error.message)")
            }
        }
        return arguments
    }

    static func historyURL(base: String, requestId: String) -> String {
        var components = URLComponents(string: base)
        components?.path = "/request-history/\(requestId)"
        components?.query = nil
        return components?.string ?? base
    }
}
