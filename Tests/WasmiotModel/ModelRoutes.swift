import Foundation
import Hummingbird
import NIOCore
import TideModel

/// The wasmiot supervisor's HTTP routes, with its answers' shapes and status codes.
struct ModelRoutes: Sendable {
    let supervisor: ModelSupervisor
    let options: ModelOptions

    /// The description a Raspberry Pi class device sends; the Hz is fractional as psutil reports it.
    static let description: JSONValue = [
        "platform": [
            "memory": ["bytes": 4_025_638_912],
            "cpu": ["humanReadableName": "Simulated ARMv8 Processor rev 3 (v8l)", "clockSpeed": ["Hz": 908_658_406.083699]],
        ],
        "supervisorInterfaces": [
            "millis", "delay", "print", "println", "printInt", "rpcCall", "takeImage", "takeImageDynamicSize",
            "takeImageStaticSize", "path_open", "fd_filestat_get", "fd_read", "fd_readdir", "fd_seek", "fd_write", "fd_close",
            "fd_prestat_get", "fd_prestat_dir_name", "proc_exit", "environ_sizes_get", "environ_get", "random_get",
        ],
    ]

    func add(to router: Router<BasicRequestContext>) {
        router.get(".well-known/wasmiot-device-description") { _, _ in Self.json(Self.description) }
        // Simulated readings: psutil.cpu_percent gives percent, memory a fraction.
        router.get("health") { _, _ in Self.json(["cpuUsage": 12.5, "memoryUsage": 0.4]) }
        router.post("deploy") { request, _ in
            let body = try await request.body.collect(upTo: 16 << 20)
            if options.failDeploys {
                return Self.failed("1 fetch failures", status: .internalServerError, extra: ["errors": ["simulated: the module download failed"]])
            }
            return await supervisor.deploy(Array(body.readableBytesView))
        }
        router.delete("deploy/{id}") { _, context in
            let id = try context.parameters.require("id")
            return await supervisor.remove(id)
                ? Self.json(["status": "success"]) : Self.failed("deployment does not exist", status: .notFound)
        }
        router.get("request-history/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let entry = await supervisor.entry(id) else { return Self.failed("no matching entry in history", status: .notFound) }
            return Self.json(entry.json, status: entry.success ? .ok : .internalServerError)
        }
        router.get("{deployment}/modules/{module}/{function}") { request, context in try await call(request, context) }
        router.post("{deployment}/modules/{module}/{function}") { request, context in try await call(request, context) }
    }

    private func call(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let deployment = try context.parameters.require("deployment")
        let module = try context.parameters.require("module")
        let function = try context.parameters.require("function")
        let arguments = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let host = request.head.authority ?? "127.0.0.1:\(options.port)"
        let started = await supervisor.call(
            deployment: deployment, module: module, function: function, arguments: arguments,
            synchronous: request.method == .get)
        switch started {
        case .noDeployment: return Self.failed("deployment does not exist", status: .notFound)
        case .noModule: return Self.failed("module \(module) not found for this deployment", status: .internalServerError)
        case .started(let id): return Self.json(["resultUrl": .string("http://\(host)/request-history/\(id)")])
        }
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `endpoint_failed`: `{"status": "error", "result": message}`.
    static func failed(_ message: String, status: HTTPResponse.Status, extra: [String: JSONValue] = [:]) -> Response {
        json(.object(["status": "error", "result": .string(message)].merging(extra) { first, _ in first }), status: status)
    }

    /// What Flask answers when a view raises.
    static func flaskInternalError() -> Response {
        let page = """
            <!doctype html>
            <html lang=en>
            <title>500 Internal Server Error</title>
            <h1>Internal Server Error</h1>
            <p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>

            """
        return Response(status: .internalServerError, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
