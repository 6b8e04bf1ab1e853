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
    /// The server's knowledge of its devices: a wait on a device known dead ends at once.
    let watch: DeviceWatch
    /// The result labels of the steps whose functions name their results, by step name.
    var labels: [String: ResultLabels] = [:]
    var inputLimits: RunInputs.Limits = .default

    typealias Output = HistoryReading.Output

    private struct RunFailure: Error {
        var message: String
        /// Set when the device failed rather than the step: the run may go on elsewhere.
        var interruption: RunInterruption?
    }

    /// What a run has got so far, carried from one attempt to the next.
    struct Progress: Sendable {
        var outputs: [String: Output] = [:]
        /// In the order the steps finished.
        var runs: [RunResult.StepRun] = []
        /// Steps whose call may have reached a device (so they may have run).
        var called: Set<String> = []

        /// The progress to go on with when `steps` run again: their outputs and runs forgotten.
        func forgetting(_ steps: [String]) -> Progress {
            var progress = self
            let again = Set(steps)
            for step in again { progress.outputs[step] = nil }
            progress.runs.removeAll { again.contains($0.step) }
            return progress
        }
    }

    /// An attempt of a run: its result, and the device failure that cut it short, if any.
    struct Outcome: Sendable {
        var result: RunResult
        var interruption: RunInterruption?
        var progress: Progress
    }

    /// Runs the steps whose outputs `progress` does not hold yet. `started`: when the run began.
    func run(inputs: RunInputs, from progress: Progress = Progress(), started: ContinuousClock.Instant = .now)
        async throws -> Outcome
    {
        let wiring = StepWiring(manifest: deployment.manifest)
        let rootArguments = try await fetchBodies(try arguments(for: wiring.roots, inputs: inputs))
        var progress = progress
        var failure: String?
        var interruption: RunInterruption?
        do {
            // Steps in manifest order: every input names an earlier step, so its output is ready.
            for step in deployment.manifest.steps where progress.outputs[step.name] == nil {
                let query: [(String, String)]
                var body: [UInt8]?
                if step.inputs.isEmpty {
                    query = rootArguments.calls[step.name]?.query ?? []
                    if case .bytes(let bytes)? = rootArguments.calls[step.name]?.body { body = bytes }
                } else {
                    var items: [(String, String)] = []
                    for (index, input) in step.inputs.enumerated() {
                        switch progress.outputs[input] {
                        case .number(let text): items.append(("param\(index)", text))
                        case .bytes(let url): body = try await download(url, for: step.name, from: input, progress: progress)
                        case .nothing, nil: break
                        }
                    }
                    query = items
                }
                try await call(step, query: query, body: body, progress: &progress)
            }
        } catch let error as RunFailure {
            failure = error.message
            interruption = error.interruption
        }
        let runs = progress.runs
        let sinks = deployment.manifest.steps.filter { wiring.successors(of: $0.name).isEmpty }
        let values = Dictionary(runs.map { ($0.step, $0.value ?? .null) }) { _, last in last }
        let result: JSONValue? = failure != nil ? nil
            : sinks.count == 1 ? values[sinks[0].name] : .object(Dictionary(sinks.map { ($0.name, values[$0.name] ?? .null) }) { a, _ in a })
        return Outcome(
            result: RunResult(
                deployment: deployment.name, generation: deployment.generation, success: failure == nil, result: result,
                error: failure, steps: runs, durationMs: (ContinuousClock.now - started).inMilliseconds,
                resultStep: failure == nil && sinks.count == 1 ? sinks[0].name : nil),
            interruption: interruption, progress: progress)
    }

    /// The label of a step's whole-number value, when its function names its results. (Kept out of
    /// `call`: Swift 6.3.1's optimizer crashed on the optional chain inline there, release only.)
    private static func label(of value: JSONValue?, from labels: ResultLabels?) -> String? {
        guard let labels, let number = value?.numberValue else { return nil }
        return labels.label(of: number)
    }

    /// Calls `step` and follows the chain of steps its device forwards to, recording each step's
    /// run and output in `progress`.
    private func call(_ step: ManifestStep, query: [(String, String)], body: [UInt8]?, progress: inout Progress) async throws {
        let wiring = StepWiring(manifest: deployment.manifest)
        let endpoint = try builder.endpoint(of: step)
        guard let device = deployment.step(step.name)?.device, let address = builder.addresses[device] else {
            throw RunFailure(message: "step \(step.name) has no reachable device")
        }
        if let why = await watch.dead(device) {
            let error = "not called: \(why)"
            throw RunFailure(
                message: "step \(step.name) on \(device): \(error)",
                interruption: RunInterruption(step: step.name, device: device, cause: .unreachable, mayHaveRun: false, error: error))
        }
        let supervisors = self.supervisors
        let answer: JSONValue
        switch await watch.guarding(device, { () async throws(ProbeError) -> JSONValue in
            try await supervisors.call(address, path: endpoint.path, query: query, body: body, timeout: Self.callTimeout)
        }) {
        case .answered(.success(let value)):
            answer = value
        case .answered(.failure(let error)):
            let interruption = Self.interruption(of: error, step: step.name, device: device, accepted: false)
            if interruption?.mayHaveRun != false { progress.called.insert(step.name) }
            throw RunFailure(message: "step \(step.name) on \(device): \(error.message)", interruption: interruption)
        case .dead(let why):
            progress.called.insert(step.name)
            throw Self.gaveUp(on: step.name, device: device, because: why)
        }
        progress.called.insert(step.name)
        var requestURL: String
        var reading: HistoryReading
        if let id = answer["requestId"]?.stringValue {
            requestURL = Self.historyURL(base: address.baseURL, requestId: id)
            reading = HistoryReading(answer)
        } else if let url = answer["resultUrl"]?.stringValue, HistoryReading.isURL(url) {
            requestURL = url
            reading = .pending
        } else {
            throw RunFailure(message: "step \(step.name) on \(device): the call's answer has neither a requestId nor a resultUrl")
        }
        var current = step
        var currentDevice = device
        while true {
            do {
                reading = try await settle(reading, url: requestURL, step: current.name, device: currentDevice)
            } catch var failure as RunFailure {
                failure.interruption?.step = resumePoint(of: current.name, progress)
                throw failure
            }
            let value = reading.value
            let next = wiring.chainedSuccessor(of: current.name).flatMap { deployment.manifest.step(named: $0) }
            // The step ran; only handing its output on failed (its value is known).
            let handOff = next.flatMap { next in reading.handOffFailed.map { (next, $0) } }
            let success = reading.state == .succeeded || handOff != nil
            let run = RunResult.StepRun(
                step: current.name, device: currentDevice, requestURL: requestURL, success: success,
                value: value, error: handOff == nil ? reading.error : nil, durationMs: reading.durationMs,
                label: Self.label(of: value, from: labels[current.name]))
            progress.runs.append(run)
            guard success else {
                throw RunFailure(message: "step \(current.name) on \(currentDevice) failed: \(run.error ?? "no reason given")")
            }
            // A wasmiot device does not report a chained step's value: its output stays unknown.
            if reading.chainedTo == nil || reading.value != nil { progress.outputs[current.name] = reading.output }
            if let (next, failure) = handOff {
                let nextDevice = deployment.step(next.name)?.device ?? currentDevice
                if failure.mayHaveRun { progress.called.insert(next.name) }
                let error = "\(currentDevice) could not hand the output of step \(current.name) on: \(reading.error ?? "no reason given")"
                throw RunFailure(
                    message: "step \(next.name) on \(nextDevice): \(error)",
                    interruption: RunInterruption(
                        step: next.name, device: nextDevice, cause: .unreachable, mayHaveRun: failure.mayHaveRun, error: error))
            }
            guard let next, let link = reading.chainedTo else { break }
            progress.called.insert(next.name)
            current = next
            currentDevice = deployment.step(next.name)?.device ?? currentDevice
            requestURL = link
            reading = .pending
        }
    }

    /// The step to go on from when `step` must run again: `step` itself, or the earliest step
    /// before it whose output is unknown (a wasmiot device reports none for a chained step).
    private func resumePoint(of step: String, _ progress: Progress) -> String {
        var step = step
        while let producer = deployment.manifest.step(named: step)?.inputs.first(where: { progress.outputs[$0] == nil }) {
            step = producer
        }
        return step
    }

    /// Polls a request-history entry on `device` until it is no longer pending, backing off from
    /// `pollInterval` to `longestPollInterval`.
    private func settle(_ reading: HistoryReading, url: String, step: String, device: DeviceID) async throws -> HistoryReading {
        var reading = reading
        var interval = Self.pollInterval
        let deadline = ContinuousClock.now + Self.callTimeout
        var first = true
        let supervisors = self.supervisors
        while reading.state == .pending {
            guard ContinuousClock.now < deadline else {
                throw RunFailure(message: "step \(step) did not finish within \(Self.callTimeout.secondsText)")
            }
            if !first {
                try await Task.sleep(for: interval)
                interval = min(interval * 2, Self.longestPollInterval)
            }
            first = false
            switch await watch.guarding(device, { () async throws(ProbeError) -> JSONValue? in
                try await supervisors.entry(at: url, timeout: Self.callTimeout)
            }) {
            case .answered(.success(let entry)):
                reading = entry.map(HistoryReading.init) ?? .pending
            case .answered(.failure(let error)):
                throw RunFailure(
                    message: "step \(step): \(error.message)",
                    interruption: Self.interruption(of: error, step: step, device: device, accepted: true))
            case .dead(let why):
                throw Self.gaveUp(on: step, device: device, because: why)
            }
        }
        return reading
    }

    /// Downloads the output of step `producer`, an input of `step`. When the producer's device is
    /// gone, so is the output: the run must go on from the producer.
    private func download(_ url: String, for step: String, from producer: String, progress: Progress) async throws -> [UInt8] {
        let device = progress.runs.last { $0.step == producer }?.device
        let supervisors = self.supervisors
        switch await watch.guarding(device, { () async throws(ProbeError) -> [UInt8] in
            try await supervisors.download(url, timeout: Self.callTimeout)
        }) {
        case .answered(.success(let bytes)):
            return bytes
        case .answered(.failure(let error)):
            let interruption = device.flatMap { device in
                Self.interruption(of: error, step: producer, device: device, accepted: true)
            }
            throw RunFailure(message: "the input of step \(step): \(error.message)", interruption: interruption)
        case .dead(let why):
            guard let device else { throw RunFailure(message: "the input of step \(step): \(why)") }
            throw Self.gaveUp(on: producer, device: device, because: why)
        }
    }

    /// The interruption an error of `device` makes, when it is the device's fault and not the
    /// step's (an answer with an error status is the step's, but for a 404 to a call: the node is
    /// gone). `accepted`: the device had already taken the step's call, so the step may have run
    /// whatever happens now; otherwise only a refused connection proves it did not.
    private static func interruption(of error: ProbeError, step: String, device: DeviceID, accepted: Bool) -> RunInterruption? {
        switch error.kind {
        case .httpStatus:
            guard !accepted, error.status == 404 else { return nil }
            return RunInterruption(step: step, device: device, cause: .lostNode, mayHaveRun: false, error: error.message)
        case .notJSON, .badShape, .notLeading:
            return nil
        case .refused, .unreachable, .timeout:
            return RunInterruption(
                step: step, device: device, cause: .unreachable, mayHaveRun: accepted || error.kind != .refused, error: error.message)
        }
    }

    private static func gaveUp(on step: String, device: DeviceID, because why: String) -> RunFailure {
        let error = "stopped waiting for it: \(why)"
        return RunFailure(
            message: "step \(step) on \(device): \(error)",
            interruption: RunInterruption(step: step, device: device, cause: .unreachable, mayHaveRun: true, error: error))
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
