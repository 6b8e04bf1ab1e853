import Foundation
import TideSupervisor

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

