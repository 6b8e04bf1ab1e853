import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TideClient
import TideModel

/// The calls `tide-bench failover` makes: the typed client for the API, and plain requests where
/// the benchmark needs its own short deadline (pipeline runs) or talks to a supervisor directly.
struct FailoverBenchmarkAPI: Sendable {
    let base: String
    let token: String
    let client: TideClient

    /// The deployment every mode runs: three fibo steps, fib(fib(fib(6))) = 10946.
    static let deployment = "pipe"
    static let expected = JSONValue.number(10946)

    init(base: String, token: String) {
        self.base = base
        self.token = token
        client = TideClient(baseURL: base, token: token, timeout: .seconds(30))
    }

    /// One pipeline run, as the benchmark's client saw it.
    struct Attempt: Sendable {
        var finished: Date
        /// The run answered 200 with `success` and the expected result.
        var success: Bool
        var middle: DeviceID?
        /// A short name for what went wrong: `timeout`, `http 409`, `step failed`, `unreachable`, `wrong result`.
        var failure: String?
        var detail: String?
        /// How long the run took, as the client saw it.
        var milliseconds: Double = 0
        /// The server went on through a new placement after a device failed (`retries`).
        var retried = false
    }

    /// Runs the pipeline once; gives up on the answer after `timeout`.
    func run(timeout: Duration) async -> Attempt {
        let started = ContinuousClock.now
        var attempt = await attemptRun(timeout: timeout)
        attempt.milliseconds = (ContinuousClock.now - started).inMilliseconds
        return attempt
    }

    private func attemptRun(timeout: Duration) async -> Attempt {
        var request = HTTPClientRequest(url: base + "/api/v1/deployments/\(Self.deployment)/run")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"inputs": {"n": 6}}"#))
        let status: UInt
        let body: ByteBuffer
        do {
            let response = try await TideClient.failFastHTTP.execute(request, timeout: .nanoseconds(timeout.inNanoseconds))
            status = response.status.code
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            let timedOut = (error as? HTTPClientError) == .deadlineExceeded
            return Attempt(finished: Date(), success: false, failure: timedOut ? "timeout" : "unreachable", detail: "\(error)")
        }
        let text = String(decoding: body.readableBytesView.prefix(400), as: UTF8.self)
        guard status == 200 else { return Attempt(finished: Date(), success: false, failure: "http \(status)", detail: text) }
        guard let result = try? TideJSON.decoder().decode(RunResult.self, from: Data(body.readableBytesView)) else {
            return Attempt(finished: Date(), success: false, failure: "unreadable answer", detail: text)
        }
        let middle = result.steps.first { $0.step == "middle" }?.device
        guard result.success else {
            return Attempt(finished: Date(), success: false, middle: middle, failure: "step failed", detail: result.error)
        }
        guard result.result == Self.expected else {
            return Attempt(finished: Date(), success: false, middle: middle, failure: "wrong result", detail: text)
        }
        return Attempt(finished: Date(), success: true, middle: middle, retried: result.retries != nil)
    }

    /// The HTTP status a supervisor answers a call of step `middle` with (404: it holds no such instance).
    func middleStatus(port: Int) async -> UInt? {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/\(Self.deployment)/modules/middle/fibo?param0=1&wait=true")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: "{}"))
        guard let response = try? await TideClient.failFastHTTP.execute(request, timeout: .seconds(5)) else { return nil }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return response.status.code
    }

    func deployment() async throws(FailoverBenchmarkError) -> Deployment {
        do { return try await client.deployment(Self.deployment) } catch { throw .api("GET /api/v1/deployments/\(Self.deployment)", error.message) }
    }

    func deployments() async throws(FailoverBenchmarkError) -> [DeploymentSummary] {
        do { return try await client.deployments() } catch { throw .api("GET /api/v1/deployments", error.message) }
    }

    func devices() async throws(FailoverBenchmarkError) -> [Device] {
        do { return try await client.devices() } catch { throw .api("GET /api/v1/devices", error.message) }
    }

    func label(_ device: DeviceID, role: String) async throws(FailoverBenchmarkError) {
        do { _ = try await client.label(device, ["role": role]) } catch { throw .api("PATCH /api/v1/devices/\(device)", error.message) }
    }

    func apply(_ manifest: String) async throws(FailoverBenchmarkError) -> Deployment {
        do {
            return try await client.apply(manifest: Array(manifest.utf8), json: false)
        } catch {
            throw .api("POST /api/v1/deployments", error.message)
        }
    }

    /// The newest event id.
    func cursor() async throws(FailoverBenchmarkError) -> Int64 {
        do { return try await client.events(tail: 1).cursor } catch { throw .api("GET /api/v1/events?tail=1", error.message) }
    }

    /// Every event after `cursor`, page by page.
    func events(after cursor: Int64) async throws(FailoverBenchmarkError) -> [FleetEvent] {
        var all: [FleetEvent] = []
        var since = cursor
        while true {
            let page: EventPage
            do { page = try await client.events(since: since, limit: 10_000) } catch {
                throw .api("GET /api/v1/events?since=\(since)", error.message)
            }
            all += page.events
            guard page.events.count == 10_000 else { return all }
            since = page.cursor
        }
    }

    /// The server's newest events, one line each, for a report of something that went wrong.
    func evidence(tail: Int = 200) async -> [String] {
        guard let page = try? await client.events(tail: tail) else { return ["(the events could not be read)"] }
        return page.events.map(\.line)
    }
}
