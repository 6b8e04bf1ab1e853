import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import TideModel
import WasmKit
import WasmKitWASI

/// The supervisor's state, in memory only as the real one keeps it: deployments, the request
/// history and its per-function counters.
actor ModelSupervisor {
    struct Deployment {
        var modules: [String: Module]
        /// module -> function -> endpoint object.
        var endpoints: [String: [String: JSONValue]]
        /// module -> function -> the `to` endpoint, if the output is forwarded.
        var next: [String: [String: JSONValue]]
    }

    struct Entry {
        var id: String
        var deployment: String
        var module: String
        var function: String
        var arguments: [(String, String)]
        var queuedAt: Date
        var result: JSONValue = .null
        var success = false

        var json: JSONValue {
            [
                "request_id": .string(id), "deployment_id": .string(deployment), "module_name": .string(module),
                "function_name": .string(function),
                "request_args": .object(Dictionary(arguments.map { ($0.0, JSONValue.string($0.1)) }) { first, _ in first }),
                "request_files": [:], "work_queued_at": .string(queuedAt.formatted(.iso8601)), "result": result,
                "success": .bool(success),
            ]
        }
    }

    enum Started {
        case started(String)
        case noDeployment
        case noModule
    }

    private let client: HTTPClient
    private var deployments: [String: Deployment] = [:]
    private var history: [Entry] = []
    private var counters: [String: Int] = [:]
    /// The real one runs queued calls one at a time on a worker thread.
    private var queue: Task<Void, Never>?

    init(client: HTTPClient) {
        self.client = client
    }

    // MARK: Deployments

    func deploy(_ body: [UInt8]) async -> Response {
        guard let node = try? JSONDecoder().decode(JSONValue.self, from: Data(body)), case .object = node else {
            return ModelRoutes.json(["message": "Non-existent or malformed deployment data"])
        }
        guard let modules = node["modules"]?.arrayValue, !modules.isEmpty else {
            return ModelRoutes.json(["message": "No modules listed"])
        }
        var parsed: [String: Module] = [:]
        var errors: [JSONValue] = []
        for module in modules {
            guard let name = module["name"]?.stringValue, let url = module["urls"]?["binary"]?.stringValue else {
                return ModelRoutes.flaskInternalError()
            }
            do {
                let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
                let bytes = try await response.body.collect(upTo: 64 << 20)
                guard response.status == .ok else { throw ModelError("HTTP \(response.status.code)") }
                parsed[name] = try parseWasm(bytes: Array(bytes.readableBytesView))
            } catch {
                errors.append(.string("\(name): \(error)"))
            }
        }
        if !errors.isEmpty {
            return ModelRoutes.failed("\(errors.count) fetch failures", status: .internalServerError, extra: ["errors": .array(errors)])
        }
        // Building the Deployment parses every endpoint, `to` links included; an unknown schema
        // type raises ValueError, which Flask turns into its HTML 500.
        guard let id = node["deploymentId"]?.stringValue, let endpoints = node["endpoints"]?.objectValue,
            let instructions = node["instructions"]?["modules"]?.objectValue
        else { return ModelRoutes.flaskInternalError() }
        var deployment = Deployment(modules: parsed, endpoints: [:], next: [:])
        for (module, functions) in endpoints {
            for (function, endpoint) in functions.objectValue ?? [:] {
                guard Self.schemaIsKnown(endpoint) else { return ModelRoutes.flaskInternalError() }
                deployment.endpoints[module, default: [:]][function] = endpoint
            }
        }
        for (module, functions) in instructions {
            for (function, link) in functions.objectValue ?? [:] {
                guard let to = link["to"], to != .null else { continue }
                guard Self.schemaIsKnown(to) else { return ModelRoutes.flaskInternalError() }
                deployment.next[module, default: [:]][function] = to
            }
        }
        deployments[id] = deployment
        return ModelRoutes.json(["status": "success"])
    }

    /// `SchemaType` knows integer, string and object only.
    static func schemaIsKnown(_ endpoint: JSONValue) -> Bool {
        guard let type = endpoint["response"]?["schema"]?["type"] else { return true }
        return ["integer", "string", "object"].contains(type.stringValue ?? "")
    }

    func remove(_ id: String) -> Bool {
        deployments.removeValue(forKey: id) != nil
    }

    // MARK: Calls

    func entry(_ id: String) -> Entry? {
        history.first { $0.id == id }
    }

    func call(deployment: String, module: String, function: String, arguments: [(String, String)], synchronous: Bool) async -> Started {
        guard deployments[deployment] != nil else { return .noDeployment }
        guard deployments[deployment]?.modules[module] != nil else { return .noModule }
        let key = "\(deployment):\(module):\(function)"
        let count = counters[key, default: 0]
        counters[key] = count + 1
        let entry = Entry(
            id: "\(key):\(count)", deployment: deployment, module: module, function: function, arguments: arguments, queuedAt: Date())
        if synchronous {
            history.append(await run(entry))
        } else {
            let previous = queue
            queue = Task {
                await previous?.value
                let done = await self.run(entry)
                self.record(done)
            }
        }
        return .started(entry.id)
    }

    private func record(_ entry: Entry) {
        history.append(entry)
    }

    private func run(_ entry: Entry) async -> Entry {
        var entry = entry
        do {
            entry.result = try await work(entry)
            entry.success = true
        } catch {
            entry.result = .string(String(describing: error))
            entry.success = false
        }
        return entry
    }

    /// Runs the function, then forwards its output when the deployment says so.
    private func work(_ entry: Entry) async throws -> JSONValue {
        guard let deployment = deployments[entry.deployment], let module = deployment.modules[entry.module] else {
            throw ModelError("KeyError: '\(entry.deployment)'")
        }
        let output = try Self.invoke(module, entry.function, arguments: entry.arguments.map(\.1))
        let endpoint = deployment.endpoints[entry.module]?[entry.function]
        guard endpoint?["response"]?["media_type"]?.stringValue == "application/json",
            endpoint?["response"]?["schema"]?["type"]?.stringValue == "integer"
        else { throw ModelError("NotImplementedError: Non-primitive JSON from Wasm output not supported yet") }
        let text = output
        guard let to = deployment.next[entry.module]?[entry.function] else { return [.string(text), .null] }
        let name = to["request"]?["parameters"]?.arrayValue?.first?["name"]?.stringValue ?? "param0"
        let base = (to["url"]?.stringValue ?? "").trimmingSuffix("/")
        var request = HTTPClientRequest(url: base + (to["path"]?.stringValue ?? "") + "?\(name)=\(text)")
        request.method = (to["method"]?.stringValue ?? "get").lowercased() == "post" ? .POST : .GET
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard let answer = try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView)),
            let url = answer["resultUrl"]?.stringValue
        else { throw ModelError("KeyError: 'resultUrl'") }
        return .string(url)
    }

    /// Casts the query's values by the function's Wasm parameter types, in order, as
    /// `[t(arg) for arg, t in zip(args.values(), types)]` does, and gives the result as
    /// `json.dumps` writes it.
    static func invoke(_ module: Module, _ function: String, arguments: [String]) throws -> String {
        let engine = Engine()
        let store = Store(engine: engine)
        var imports = Imports()
        var bridge: WASIBridgeToHost?
        if module.imports.contains(where: { $0.module == "wasi_snapshot_preview1" }) {
            let wasi = try WASIBridgeToHost(args: ["module"], environment: [:], preopens: [])
            wasi.link(to: &imports, store: store)
            bridge = wasi
        }
        defer { try? bridge?.close() }
        let instance = try module.instantiate(store: store, imports: imports)
        guard let callee = instance.exports[function: function] else { throw ModelError("AttributeError: no function \(function)") }
        var values: [Value] = []
        for (type, text) in zip(callee.type.parameters, arguments) {
            switch type {
            case .i32:
                guard let value = Int32(text) else { throw ModelError("ValueError: invalid literal for int() with base 10: '\(text)'") }
                values.append(.i32(UInt32(bitPattern: value)))
            case .i64:
                guard let value = Int64(text) else { throw ModelError("ValueError: invalid literal for int() with base 10: '\(text)'") }
                values.append(.i64(UInt64(bitPattern: value)))
            case .f32:
                guard let value = Float(text) else { throw ModelError("ValueError: could not convert string to float: '\(text)'") }
                values.append(.f32(value.bitPattern))
            case .f64:
                guard let value = Double(text) else { throw ModelError("ValueError: could not convert string to float: '\(text)'") }
                values.append(.f64(value.bitPattern))
            default: throw ModelError("TypeError: unsupported parameter type")
            }
        }
        let results = try callee(values)
        switch results.first {
        case .i32(let bits): return String(Int32(bitPattern: bits))
        case .i64(let bits): return String(Int64(bitPattern: bits))
        case .f32(let bits): return "\(Double(Float(bitPattern: bits)))"
        case .f64(let bits): return "\(Double(bitPattern: bits))"
        default: return "null"
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}
