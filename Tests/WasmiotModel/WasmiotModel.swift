import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import TideHTTP
import TideModel

/// A model of LiquidAI's wasmiot supervisor (Python, Flask, wasmtime) for Tide's tests, written
/// from its protocol as documented in docs/interop.md; none of its code. What it reproduces:
/// - self-registration at `POST <orchestrator>/file/device/discovery/register` with
///   `host: <hostname>.local.`, once at start (the real one retries only after 15 minutes);
/// - a description with a fractional `clockSpeed.Hz`, and `/health` cpuUsage in percent
///   (simulated values: this model has no real load);
/// - `/deploy` keeping deployments in memory (a restart loses them), refusing an endpoint whose
///   schema type is not integer, string or object with Flask's HTML 500 page;
/// - calls answered `{"resultUrl"}` at once, GET run before answering, POST queued (its history
///   entry appears only once it ran); entries with `request_id`, `result`, `success`; the last
///   step's result `[json.dumps(value), null]`, a chained step's result the next device's bare
///   resultUrl; 404 `{"status": "error", "result": "deployment does not exist"}`.
/// Wasm runs in WasmKit (the real supervisor uses wasmtime).
@main
struct WasmiotModel {
    static func main() async throws {
        let options = try ModelOptions(CommandLine.arguments.dropFirst())
        var logger = Logger(label: "wasmiot-model")
        logger.logLevel = .error
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let supervisor = ModelSupervisor(client: client)
        let router = Router()
        ModelRoutes(supervisor: supervisor, options: options).add(to: router)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: options.port)),
            onServerRunning: { _ in
                print("wasmiot-model \(options.name) listening on 127.0.0.1:\(options.port)")
                if let orchestrator = options.register {
                    Task { await register(at: orchestrator, options: options, client: client) }
                }
            },
            logger: logger)
        try await GracefulServiceGroup.run(app, logger: logger)
        try await client.shutdown()
    }

    /// What the real one's zeroconf extension posts to the orchestrator.
    static func register(at orchestrator: String, options: ModelOptions, client: HTTPClient) async {
        let body: JSONValue = [
            "name": .string("\(options.name)._webthing._tcp.local."), "type": "_webthing._tcp.local.", "port": .number(JSONNumber(options.port)),
            "properties": ["path": "/", "tls": "0", "address": "127.0.0.1"], "addresses": ["127.0.0.1"],
            "host": .string(options.host),
        ]
        var request = HTTPClientRequest(url: orchestrator + "/file/device/discovery/register")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: (try? JSONEncoder().encode(body)) ?? Data()))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 16))
            print("registration: HTTP \(response.status.code) \(text)")
        } catch {
            print("registration failed: \(error)")
        }
    }
}

struct ModelOptions: Sendable {
    var port = 0
    var name = "wasmiot-model"
    /// The orchestrator's base URL to register at.
    var register: String?
    /// The `host` it registers with, as zeroconf's `service_info.server`.
    var host = "vm.local."
    /// Simulated fault: every `/deploy` fails as when its module downloads fail.
    var failDeploys = false

    init(_ arguments: ArraySlice<String>) throws {
        var rest = arguments
        while let flag = rest.popFirst() {
            if flag == "--fail-deploys" {
                failDeploys = true
                continue
            }
            guard let value = rest.popFirst() else { throw ModelError("\(flag) needs a value") }
            switch flag {
            case "--port": port = Int(value) ?? 0
            case "--name": name = value
            case "--register": register = value
            case "--host": host = value
            default: throw ModelError("unknown option \(flag) (options: --port, --name, --register, --host, --fail-deploys)")
            }
        }
        guard port > 0 else { throw ModelError("--port must be a port number") }
    }
}

struct ModelError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
