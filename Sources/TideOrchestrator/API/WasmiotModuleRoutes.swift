import Foundation
import Hummingbird
import TideHTTP
import TideModel

/// The wasmiot orchestrator's module routes, open (devices fetch modules without a token).
/// A module id is `name@version`, or `name` for the newest version not yanked.
struct WasmiotModuleRoutes {
    let registry: PackageRegistry

    /// A module in the wasmiot orchestrator's format, with Tide's details beside it.
    struct WasmiotModule: Encodable {
        var _id: String
        var name: String
        var version: String
        var exports: [PackageFunctionInfo]
        var requirements: [String]
        var wasm: PackageFileInfo
        var dataFiles: [String: PackageFileInfo]
        var dependencies: [String: String]
        var yanked: Bool
    }

    func add(to router: Router<TideRequestContext>) {
        router.get("file/module") { _, _ in try await list() }
        router.get("file/module/{id}") { _, context in try Response.json(module(try await entry(context).info())) }
        router.get("file/module/{id}/wasm") { request, context in try await wasm(request, context) }
        router.get("file/module/{id}/description") { _, context in try await description(context) }
        router.get("file/module/{id}/{file}") { request, context in try await dataFile(request, context) }
    }

    func list() async throws -> Response {
        try .json(await registry.allEntries().map { module($0.info()) })
    }

    func module(_ info: PackageVersionInfo) -> WasmiotModule {
        let base = "/file/module/\(info.name)@\(info.version)"
        var wasm = info.module
        wasm.url = base + "/wasm"
        var dataFiles: [String: PackageFileInfo] = [:]
        for var file in info.files {
            file.url = base + "/" + file.file
            dataFiles[file.file] = file
        }
        return WasmiotModule(
            _id: "\(info.name)@\(info.version)", name: info.name, version: info.version, exports: info.functions,
            requirements: info.hostCapabilities, wasm: wasm, dataFiles: dataFiles, dependencies: info.dependencies,
            yanked: info.yanked)
    }

    func wasm(_ request: Request, _ context: TideRequestContext) async throws -> Response {
        let (name, version) = try Self.parse(try context.parameters.require("id"))
        let entry = try await entry(context)
        guard let module = entry.moduleFile, let (record, path) = await registry.file(name, version ?? entry.record.version, module.file) else {
            throw APIError.notFound("module \(name) has no stored binary")
        }
        return try BlobResponse.serve(path: path, digest: record.digest, mediaType: "application/wasm", request: request)
    }

    func dataFile(_ request: Request, _ context: TideRequestContext) async throws -> Response {
        let entry = try await entry(context)
        let file = try context.parameters.require("file")
        guard let record = entry.files.first(where: { $0.file == file && $0.role == "data" }),
            let (_, path) = await registry.file(entry.record.name, entry.record.version, record.file)
        else {
            throw APIError.notFound("module \(entry.record.name)@\(entry.record.version) has no data file \"\(file)\"")
        }
        return try BlobResponse.serve(path: path, digest: record.digest, mediaType: record.mediaType, request: request)
    }

    /// An OpenAPI description of the module's functions, as wasmiot supervisors expect at
    /// `/file/module/{id}/description`.
    func description(_ context: TideRequestContext) async throws -> Response {
        let info = try await entry(context).info()
        var paths: [String: JSONValue] = [:]
        for function in info.functions {
            let parameters: [JSONValue] = function.parameters.enumerated().map { index, parameter in
                [
                    "name": .string("param\(index)"), "in": "query", "required": true,
                    "description": .string(parameter.name), "schema": Self.schema(parameter.type),
                ]
            }
            let deployment: JSONValue = ["name": "deployment", "in": "path", "required": true, "schema": ["type": "string"]]
            let response: JSONValue = function.result == "none"
                ? ["description": "the function returned nothing"]
                : ["description": "the function's result", "content": ["application/json": ["schema": Self.schema(function.result)]]]
            let operation: JSONValue = [
                "summary": .string(function.description ?? function.name),
                "parameters": .array([deployment] + parameters),
                "responses": ["200": response],
            ]
            paths["/{deployment}/modules/\(info.name)/\(function.name)"] = .object([function.method: operation])
        }
        let document: JSONValue = [
            "openapi": "3.0.0",
            "info": ["title": .string(info.name), "version": .string(info.version), "description": .string(info.description)],
            "paths": .object(paths),
        ]
        return try .json(document)
    }

    static func schema(_ type: String) -> JSONValue {
        switch type {
        case "i32", "i64": ["type": "integer"]
        case "f32", "f64": ["type": "number"]
        default: ["type": "string", "format": "binary"]
        }
    }

    private func entry(_ context: TideRequestContext) async throws -> RegistryEntry {
        let id = try context.parameters.require("id")
        let (name, version) = try Self.parse(id)
        guard let entry = await registry.entry(name, version) else { throw APIError.notFound("no module \"\(id)\"") }
        return entry
    }

    static func parse(_ id: String) throws -> (String, String?) {
        let parts = id.split(separator: "@", maxSplits: 1).map(String.init)
        guard let name = parts.first, !name.isEmpty else { throw APIError.badRequest("invalid module id \"\(id)\"") }
        return (name, parts.count == 2 ? parts[1] : nil)
    }
}
