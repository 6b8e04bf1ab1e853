import Foundation
import TideModel
import TideSupervisor

/// A deployment node for supervisor tests, built as TideModel's `DeploymentNode` (the one wire
/// type of `POST /deploy`): modules, each with its functions' endpoints, chaining and mounts.
struct NodeFixture {
    struct Function {
        var name: String
        var parameters: [JSONValue]
        var result: JSONValue
        var to: DeploymentNode.Endpoint? = nil
        var mounts: [String: [String]]? = nil
    }

    private(set) var node: DeploymentNode

    init(id: String, generation: Int = 1) {
        node = DeploymentNode(
            deploymentId: id, generation: generation, modules: [], endpoints: [:], instructions: .init(modules: [:]),
            mounts: [:])
    }

    var id: String { node.deploymentId }

    var generation: Int {
        get { node.generation ?? 0 }
        set { node.generation = newValue }
    }

    static let integer: JSONValue = ["type": "integer"]
    static let number: JSONValue = ["type": "number"]
    static let binary: JSONValue = ["type": "string", "format": "binary"]

    /// The fixture fibo module served at `<origin>/fibo.wasm`, with its `fibo(integer) -> integer`;
    /// with `digest`, its sha256 too.
    mutating func fibo(at origin: String, digest: Bool = true) throws {
        module(
            "fibo", url: origin + "/fibo.wasm", sha256: digest ? .init(binary: BlobCache.digest(of: try Fixtures.fibo)) : nil,
            functions: [.init(name: "fibo", parameters: [Self.integer], result: Self.integer)])
    }

    mutating func module(
        _ name: String, url: String, sha256: DeploymentNode.Digests? = nil, dependencies: [String]? = nil,
        other: [String: String] = [:], supervisor: String = "http://127.0.0.1:1", functions: [Function]
    ) {
        node.modules.append(.init(
            id: name, name: name, urls: .init(binary: url, description: url + ".json", other: other), sha256: sha256,
            dependencies: dependencies))
        var endpoints: [String: DeploymentNode.Endpoint] = [:]
        var instructions: [String: DeploymentNode.Instruction] = [:]
        var mounts: [String: DeploymentNode.MountStages] = [:]
        for function in functions {
            let parameters = function.parameters.enumerated().map { index, schema in
                DeploymentNode.Endpoint.Parameter(name: "param\(index)", schema: schema)
            }
            let mediaType = function.result["format"] == "binary" ? "application/octet-stream" : "application/json"
            endpoints[function.name] = .init(
                url: supervisor, path: "/\(id)/modules/\(name)/\(function.name)", method: "post",
                request: .init(parameters: parameters), response: .init(media_type: mediaType, schema: function.result))
            instructions[function.name] = .init(from: nil, to: function.to)
            if let stages = function.mounts {
                func paths(_ stage: String) -> [DeploymentNode.Mount] { (stages[stage] ?? []).map { .init(path: $0) } }
                mounts[function.name] = .init(execution: paths("execution"), deployment: paths("deployment"), output: paths("output"))
            }
        }
        node.endpoints?[name] = endpoints
        node.instructions?.modules?[name] = instructions
        if !mounts.isEmpty { node.mounts?[name] = mounts }
    }

    func bytes() throws -> [UInt8] { Array(try TideJSON.encoder().encode(node)) }
}
