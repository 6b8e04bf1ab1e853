import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import TideHTTP
import TideSupervisor

let testLogger: Logger = {
    var logger = Logger(label: "tide.supervisor.test")
    logger.logLevel = .warning
    return logger
}()

func temporaryDirectory(_ label: String = "sup") -> String {
    let path = NSTemporaryDirectory() + "tide-\(label)-" + UUID().uuidString.prefix(8)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A supervisor running in this process on a free port.
struct RunningServer: Sendable {
    let port: Int
    let task: Task<Void, any Error>
    var base: String { "http://127.0.0.1:\(port)" }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

struct StartFailure: Error, CustomStringConvertible {
    let description: String
}

/// Starts `body` (a server's run) and returns once it reports its port.
func startServer(_ run: @escaping @Sendable (@escaping @Sendable (Int) async -> Void) async throws -> Void) async throws
    -> RunningServer
{
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    let failure = Mutex<String?>(nil)
    let task = Task {
        do {
            try await run { port in continuation.yield(port) }
        } catch {
            failure.withLock { $0 = "\(error)" }
            continuation.finish()
            throw error
        }
        continuation.finish()
    }
    for await port in stream { return RunningServer(port: port, task: task) }
    throw StartFailure(description: failure.withLock { $0 } ?? "the server stopped before it ran")
}

func startSupervisor(
    dataDirectory: String = temporaryDirectory(), profile: DeviceProfile = DeviceProfile(name: "test-device"),
    token: String? = nil, orchestrator: String? = nil, limits: ExecutionLimits = ExecutionLimits(fuelPerCall: 200_000_000, deadline: .seconds(20)),
    heartbeatInterval: Duration = .zero
) async throws -> RunningServer {
    let configuration = SupervisorConfiguration(
        host: "127.0.0.1", port: 0, dataDirectory: dataDirectory, profile: profile, orchestratorURL: orchestrator,
        token: token, heartbeatInterval: heartbeatInterval, limits: limits)
    return try await startServer { onRunning in
        try await SupervisorServer(configuration: configuration, logger: testLogger).run(handleSignals: false, onRunning: onRunning)
    }
}

/// Serves fixed files at `/<name>` and counts the requests for each.
final class FileServer: Sendable {
    let files: Mutex<[String: [UInt8]]>
    let hits = Mutex<[String: Int]>([:])
    private let running: Mutex<RunningServer?> = Mutex(nil)

    init(_ files: [String: [UInt8]]) {
        self.files = Mutex(files)
    }

    func start() async throws -> String {
        let server = try await startServer { [self] onRunning in
            let router = Router()
            router.get("{name}") { _, context -> Response in
                let name = context.parameters.get("name") ?? ""
                self.hits.withLock { $0[name, default: 0] += 1 }
                guard let bytes = self.files.withLock({ $0[name] }) else { return Response(status: .notFound) }
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: testLogger)
            try await GracefulServiceGroup.run(app, logger: testLogger)
        }
        running.withLock { $0 = server }
        return server.base
    }

    func stop() async {
        if let server = running.withLock({ $0 }) { await server.stop() }
    }

    func hitCount(_ name: String) -> Int { hits.withLock { $0[name] ?? 0 } }
}

struct HTTPResult: Sendable {
    let status: Int
    let body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw StartFailure(description: "not a JSON object: \(text)")
        }
        return object
    }
}

func http(
    _ method: HTTPMethod, _ url: String, body: [UInt8]? = nil, headers: [(String, String)] = []
) async throws -> HTTPResult {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
    let collected = try await response.body.collect(upTo: 64 << 20)
    return HTTPResult(status: Int(response.status.code), body: Array(collected.readableBytesView))
}

func json(_ object: Any) throws -> [UInt8] {
    [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
}

func multipart(_ files: [String: [UInt8]], boundary: String = "tide-test-boundary") -> ([UInt8], String) {
    var body: [UInt8] = []
    for (name, bytes) in files.sorted(by: { $0.key < $1.key }) {
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += bytes
        body += Array("\r\n".utf8)
    }
    body += Array("--\(boundary)--\r\n".utf8)
    return (body, "multipart/form-data; boundary=\(boundary)")
}

/// A deployment node for `modules`, each `(name, binary URL, functions)`; a function is
/// `(name, [parameter schema types], result schema type)`.
struct NodeBuilder {
    struct Function {
        var name: String
        var parameters: [[String: Any]]
        var result: [String: Any]
        var to: [String: Any]? = nil
        var mounts: [String: [String]]? = nil
    }

    var id: String
    var generation: Int = 1
    var modules: [[String: Any]] = []
    var endpoints: [String: [String: Any]] = [:]
    var instructions: [String: [String: Any]] = [:]
    var mounts: [String: [String: Any]] = [:]

    init(id: String, generation: Int = 1) {
        self.id = id
        self.generation = generation
    }

    static var integer: [String: Any] { ["type": "integer"] }

    /// The fixture fibo module served at `<origin>/fibo.wasm`, with its `fibo(integer) -> integer`;
    /// with `digest`, its sha256 too.
    mutating func fibo(at origin: String, digest: Bool = true) throws {
        module(
            "fibo", url: origin + "/fibo.wasm", sha256: digest ? BlobCache.digest(of: try Fixtures.fibo) : nil,
            functions: [.init(name: "fibo", parameters: [Self.integer], result: Self.integer)])
    }
    static var number: [String: Any] { ["type": "number"] }
    static var binary: [String: Any] { ["type": "string", "format": "binary"] }

    mutating func module(
        _ name: String, url: String, sha256: Any? = nil, dependencies: [String]? = nil, other: [String: String] = [:],
        supervisor: String = "http://127.0.0.1:1", functions: [Function]
    ) {
        var entry: [String: Any] = [
            "id": name, "name": name, "urls": ["binary": url, "description": url + ".json", "other": other],
        ]
        if let sha256 { entry["sha256"] = sha256 }
        if let dependencies { entry["dependencies"] = dependencies }
        modules.append(entry)
        var moduleEndpoints: [String: Any] = [:]
        var moduleInstructions: [String: Any] = [:]
        var moduleMounts: [String: Any] = [:]
        for function in functions {
            let parameters = function.parameters.enumerated().map { index, schema -> [String: Any] in
                ["name": "param\(index)", "in": "query", "required": true, "schema": schema]
            }
            let mediaType = (function.result["format"] as? String) == "binary" ? "application/octet-stream" : "application/json"
            moduleEndpoints[function.name] = [
                "url": supervisor, "path": "/\(id)/modules/\(name)/\(function.name)", "method": "post",
                "request": ["parameters": parameters], "response": ["media_type": mediaType, "schema": function.result],
            ]
            moduleInstructions[function.name] = ["from": NSNull(), "to": function.to.map { $0 as Any } ?? NSNull()]
            if let stages = function.mounts { moduleMounts[function.name] = stages.mapValues { $0.map { ["path": $0] } } }
        }
        endpoints[name] = moduleEndpoints
        instructions[name] = moduleInstructions
        if !moduleMounts.isEmpty { mounts[name] = moduleMounts }
    }

    var object: [String: Any] {
        [
            "deploymentId": id, "generation": generation, "modules": modules, "endpoints": endpoints,
            "instructions": ["modules": instructions], "mounts": mounts,
        ]
    }

    func bytes() throws -> [UInt8] { try json(object) }
}

extension RunningServer {
    func deploy(_ node: NodeBuilder, token: String? = nil) async throws -> HTTPResult {
        var headers = [("content-type", "application/json")]
        if let token { headers.append(("authorization", "Bearer \(token)")) }
        return try await http(.POST, base + "/deploy", body: try node.bytes(), headers: headers)
    }

    /// Calls synchronously (`?wait=true`) and returns the history entry.
    func call(
        _ deployment: String, _ module: String, _ function: String, query: String = "", body: [UInt8]? = nil,
        contentType: String? = nil
    ) async throws -> HTTPResult {
        let separator = query.isEmpty ? "" : "&"
        var headers: [(String, String)] = []
        if let contentType { headers.append(("content-type", contentType)) }
        return try await http(
            body == nil ? .GET : .POST, "\(base)/\(deployment)/modules/\(module)/\(function)?wait=true\(separator)\(query)",
            body: body, headers: headers)
    }
}
