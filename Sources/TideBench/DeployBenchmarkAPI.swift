import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TideModel

/// The HTTP calls `tide-bench deploy` makes to its `tide server`, with failures that say which
/// call went wrong and what the server answered.
struct DeployBenchmarkAPI: Sendable {
    let base: String
    let token: String
    let client: HTTPClient

    /// An answer: status, body, and when its last byte arrived.
    struct Answer: Sendable {
        var status: UInt
        var body: ByteBuffer
        var finished: ContinuousClock.Instant

        var text: String { String(decoding: body.readableBytesView.prefix(600), as: UTF8.self) }
    }

    func send(
        _ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String = "application/json",
        operator: Bool = true, timeout: Duration = .seconds(120), limit: Int = 1 << 30
    ) async throws(DeployBenchmarkError) -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if `operator` { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(timeout.inNanoseconds))
            let bytes = try await response.body.collect(upTo: limit)
            return Answer(status: response.status.code, body: bytes, finished: .now)
        } catch {
            throw .request("\(method) \(path)", String(describing: error))
        }
    }

    /// Registers a simulated device as an operator does (`tide device add`); the server then reads
    /// its description and health.
    func register(_ member: SimulatedFleet.Member, port: Int) async throws(DeployBenchmarkError) {
        let body = #"{"name": "\#(member.id.rawValue)", "address": "\#(member.host):\#(port)"}"#
        let answer = try await send(.POST, "/api/v1/devices", body: body, timeout: .seconds(30))
        guard answer.status < 300 else { throw .unexpected("registering \(member.id) at \(member.host)", answer) }
    }

    /// Devices whose id starts with `prefix` and that are alive.
    func aliveDevices(prefix: String) async throws(DeployBenchmarkError) -> Int {
        let answer = try await send(.GET, "/api/v1/devices")
        guard answer.status == 200 else { throw .unexpected("listing devices", answer) }
        let list: DeviceList = try decode(answer, as: "the device list")
        return list.devices.filter { $0.id.rawValue.hasPrefix(prefix) && $0.status == .alive }.count
    }

    /// The newest event id.
    func eventCursor() async throws(DeployBenchmarkError) -> Int64 {
        let answer = try await send(.GET, "/api/v1/events?tail=1")
        guard answer.status == 200 else { throw .unexpected("reading the event cursor", answer) }
        let page: EventPage = try decode(answer, as: "the event page")
        return page.cursor
    }

    /// Every event after `cursor`, page by page.
    func events(after cursor: Int64) async throws(DeployBenchmarkError) -> [FleetEvent] {
        var all: [FleetEvent] = []
        var since = cursor
        while true {
            let answer = try await send(.GET, "/api/v1/events?since=\(since)&limit=10000")
            guard answer.status == 200 else { throw .unexpected("reading events", answer) }
            let page: EventPage = try decode(answer, as: "the event page")
            all += page.events
            guard page.events.count == 10_000 else { return all }
            since = page.cursor
        }
    }

    func decode<T: Decodable>(_ answer: Answer, as what: String) throws(DeployBenchmarkError) -> T {
        let data = Data(answer.body.readableBytesView)
        do {
            return try TideJSON.decoder().decode(T.self, from: data)
        } catch {
            throw .undecodable(what, TideJSON.describe(error, in: data))
        }
    }
}

/// A failure of `tide-bench deploy`: what went wrong and where to look.
enum DeployBenchmarkError: Error, CustomStringConvertible {
    case request(String, String)
    case unexpected(String, DeployBenchmarkAPI.Answer)
    case undecodable(String, String)
    case check(String)

    var description: String {
        switch self {
        case .request(let what, let why):
            "\(what) failed: \(why) (the benchmark's server may have stopped, or taken longer than the request's timeout)"
        case .unexpected(let what, let answer):
            "\(what): the server answered HTTP \(answer.status): \(answer.text)"
        case .undecodable(let what, let why):
            "cannot read \(what) the server sent: \(why)"
        case .check(let message):
            message
        }
    }
}
