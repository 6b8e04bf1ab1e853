import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOPosix
import TideModel

/// Runs calls: checks the request against the deployment, records it in the request history,
/// runs it within the limits, stores outputs, and forwards the output to the next step.
public final class CallService: Sendable {
    let deployer: Deployer
    let history: RequestHistory
    let runtime: WasmRuntime
    let gate: CallGate
    let client: HTTPClient
    let chainTimeout: Duration
    /// The forwards in flight, which a new node can end (see `ChainedCalls`).
    let chained = ChainedCalls()
    /// Chained calls one request may start, one after another.
    let maxChainHops: Int
    let logger: Logger
    let metrics: SupervisorMetrics

    /// The header that counts the chained calls before this one (0 or absent: a client's call).
    public static let hopsHeader = "X-Tide-Hops"

    init(
        deployer: Deployer, history: RequestHistory, runtime: WasmRuntime, client: HTTPClient, chainTimeout: Duration,
        maxChainHops: Int = 32, logger: Logger, metrics: SupervisorMetrics
    ) {
        self.metrics = metrics
        self.deployer = deployer
        self.history = history
        self.runtime = runtime
        gate = CallGate(capacity: runtime.limits.maxConcurrentCalls, maxWaiting: runtime.limits.maxQueuedCalls)
        self.client = client
        self.chainTimeout = chainTimeout
        self.maxChainHops = maxChainHops
        self.logger = logger
    }

    /// Starts the call and returns its request id at once; the work goes on in the background.
    /// `baseURL` (`http://host:port`) is how callers reach this supervisor, for result URLs;
    /// `hops` is how many chained calls led to this one (`X-Tide-Hops`), refused past the limit.
    public func start(
        deploymentId: String, module: String, function: String, inputs: CallInputs, baseURL: String, hops: Int = 0
    ) async throws(SupervisorError) -> String {
        guard hops <= maxChainHops else {
            throw .badRequest(
                "this call is hop \(hops) of a chain (\(Self.hopsHeader): \(hops)), more than the limit of \(maxChainHops) chained calls (tide supervisor --max-chain-hops); a step's \"to\" probably leads back to an earlier step")
        }
        let deploymentId = try SafeName.check(deploymentId, as: "deployment id")
        let module = try SafeName.check(module, as: "module name")
        let function = try SafeName.check(function, as: "function name")
        guard let deployment = await deployer.deployment(deploymentId) else {
            throw .notFound("no deployment \(deploymentId) on this device")
        }
        let (instance, signature) = try deployment.target(module: module, function: function)
        let bound = try ArgumentBinder.bind(
            inputs, to: signature, mounts: deployment.plan.mounts(module: module, function: function))
        let requestID = UUID().uuidString.lowercased()
        let entry = HistoryEntry(
            requestId: requestID, deploymentId: deploymentId, module: module, function: function, status: .pending,
            success: false, queuedAt: Date())
        await history.begin(entry)
        let next = deployment.plan.instruction(module: module, function: function)?.to
        Task {
            let finished = await self.execute(
                entry, instance: instance, signature: signature, bound: bound, next: next, baseURL: baseURL,
                hops: hops + 1)
            await self.history.finish(finished)
        }
        return requestID
    }

    private func execute(
        _ entry: HistoryEntry, instance: ModuleInstance, signature: CallSignature, bound: ArgumentBinder.Bound,
        next: DeploymentNode.Endpoint?, baseURL: String, hops: Int
    ) async -> HistoryEntry {
        var entry = entry
        let started = ContinuousClock.now
        var fuelUsed: UInt64?
        var failure: SupervisorError?
        do throws(SupervisorError) {
            try await gate.enter()
            let result = await instance.call(
                entry.function, arguments: bound.arguments, bytesResult: signature.result == .bytes, files: bound.files,
                deadline: runtime.limits.deadline)
            await gate.leave()
            let outcome = try result.get()
            fuelUsed = outcome.fuelUsed
            try await record(outcome, signature: signature, in: &entry, baseURL: baseURL)
            if let next {
                // The node may have changed while the step ran (its next step moved): hand on to
                // where the installed node says now.
                let current = await deployer.deployment(entry.deploymentId)?.plan.instruction(module: entry.module, function: entry.function)?.to
                try await forward(outcome, signature: signature, to: current ?? next, hops: hops, entry: &entry)
            }
            entry.status = .done
            entry.success = true
        } catch {
            failure = error
            entry.status = .failed
            entry.success = false
            entry.error = error.publicMessage
            if error.kind == .internalFailure { logger.error("call \(entry.requestId) failed: \(error.message)") }
        }
        entry.finishedAt = Date()
        let elapsed = ContinuousClock.now - started
        entry.durationMs = elapsed.inMilliseconds
        metrics.called(error: failure, took: elapsed, fuelUsed: fuelUsed)
        return entry
    }

    private func record(_ outcome: ModuleInstance.Outcome, signature: CallSignature, in entry: inout HistoryEntry, baseURL: String)
        async throws(SupervisorError)
    {
        var stored: [String: [UInt8]] = outcome.outputFiles
        if let bytes = outcome.bytes { stored["result"] = bytes }
        var urls: [String: String] = [:]
        if !stored.isEmpty {
            let directory = await history.filesDirectory(entry.requestId)
            try DataDirectory.create(directory)
            for (name, bytes) in stored {
                try ContainedPath(directory: directory, name: name).write(bytes)
                urls[name] = "\(baseURL)/request-history/\(entry.requestId)/files/\(name)"
            }
            entry.files = urls
        }
        let fileList = urls.isEmpty ? nil : urls.keys.sorted().compactMap { urls[$0] }
        switch signature.result {
        case .bytes:
            let url = urls["result"] ?? ""
            entry.result = .value(json: Self.jsonString(url), files: fileList)
        case .none:
            entry.result = .value(json: "null", files: fileList)
        case .scalars:
            let numbers = outcome.values.map(ArgumentCaster.result)
            if numbers.count == 1 {
                entry.value = numbers[0]
                entry.result = .value(json: numbers[0].jsonText, files: fileList)
            } else {
                entry.values = numbers
                entry.result = .value(json: "[" + numbers.map(\.jsonText).joined(separator: ",") + "]", files: fileList)
            }
        }
    }

    /// Calls the next step with this step's output (`param0`, or the body for bytes) and keeps the
    /// next step's resultUrl as this request's result. `hops` goes along as `X-Tide-Hops`.
    private func forward(
        _ outcome: ModuleInstance.Outcome, signature: CallSignature, to next: DeploymentNode.Endpoint, hops: Int,
        entry: inout HistoryEntry
    ) async throws(SupervisorError) {
        var address = next.address
        var request: HTTPClientRequest
        if signature.result == .bytes, let bytes = outcome.bytes {
            request = HTTPClientRequest(url: address)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/octet-stream")
            request.body = .bytes(ByteBuffer(bytes: bytes))
        } else {
            if let first = outcome.values.first {
                address += (address.contains("?") ? "&" : "?") + "param0=" + ArgumentCaster.result(first).parameterText
            }
            request = HTTPClientRequest(url: address)
            request.method = next.method?.lowercased() == "post" ? .POST : .GET
        }
        request.headers.replaceOrAdd(name: Self.hopsHeader, value: String(hops))
        let resultURL: String
        do {
            resultURL = try await handOff(request, entry: entry, to: next.address)
        } catch let error as SupervisorError {
            throw SupervisorError(.badGateway, "the next step at \(next.address) failed: \(error.message)")
        } catch let failure as ForwardError {
            entry.forwardFailure = HistoryEntry.ForwardFailure(to: next.address, mayHaveRun: failure.mayHaveRun)
            throw SupervisorError(.badGateway, "the next step at \(next.address) failed: \(failure.message)")
        } catch {
            throw SupervisorError(.badGateway, "the next step at \(next.address) failed: \(error)")
        }
        entry.chainedTo = resultURL
        entry.result = .next(resultURL)
    }

    /// A next step that gave no answer: unreachable, timed out, or given up on by a new node.
    private struct ForwardError: Error {
        var message: String
        var mayHaveRun: Bool
    }

    /// Sends the chained call and returns the next step's resultUrl. The call is registered with
    /// `chained`, so that a node that moves the next step ends it.
    private func handOff(_ request: HTTPClientRequest, entry: HistoryEntry, to address: String) async throws -> String {
        let id = UUID()
        let client = self.client
        let timeout = TimeAmount.seconds(Int64(chainTimeout.components.seconds))
        let exchange = Task { () throws -> (UInt, ByteBuffer) in
            let response = try await client.execute(request, timeout: timeout)
            return (response.status.code, try await response.body.collect(upTo: 1 << 20))
        }
        await chained.begin(
            id, deploymentId: entry.deploymentId, module: entry.module, function: entry.function, target: address,
            cancel: { exchange.cancel() })
        let result = await exchange.result
        if let reason = await chained.end(id) {
            throw ForwardError(message: "abandoned: \(reason)", mayHaveRun: true)
        }
        let status: UInt
        let body: ByteBuffer
        do {
            (status, body) = try result.get()
        } catch {
            throw ForwardError(message: "\(error)", mayHaveRun: !Self.neverConnected(error))
        }
        guard (200..<300).contains(Int(status)) else {
            throw SupervisorError.badRequest("HTTP \(status): \(String(buffer: body).prefix(300))")
        }
        guard let decoded = try? JSONDecoder().decode([String: JSONValue].self, from: Data(body.readableBytesView)),
            let url = decoded["resultUrl"]?.stringValue
        else {
            throw SupervisorError.badRequest("the answer has no resultUrl")
        }
        return url
    }

    /// Whether a failed request never reached the next device (the connection was refused or
    /// never made), so the next step cannot have run.
    static func neverConnected(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        if error is NIOConnectionError { return true }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return true }
        return false
    }

    static func jsonString(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
    }
}
