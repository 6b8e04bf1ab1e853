import Foundation
import Hummingbird
import NIOCore
import TideHTTP
import TideModel
import TidePackageFormat

/// `/api/v1/packages` and `/api/v1/resolve`: the package registry.
struct PackageRoutes {
    let registry: PackageRegistry
    let maxPackageBytes: Int
    let maxBodyBytes: Int

    func add(to group: RouterGroup<TideRequestContext>) {
        group.get("packages") { _, _ in try Response.json(PackageList(packages: await registry.list())) }
        group.post("packages") { request, _ in try await publish(request) }
        group.get("packages/{name}") { _, context in try await detail(context) }
        group.get("packages/{name}/{version}") { _, context in try await version(context) }
        group.post("packages/{name}/{version}/yank") { _, context in try await yank(context, true) }
        group.delete("packages/{name}/{version}/yank") { _, context in try await yank(context, false) }
        group.get("packages/{name}/{version}/files/{file}") { request, context in try await file(request, context) }
        group.post("resolve") { request, _ in try await resolve(request) }
    }

    func publish(_ request: Request) async throws -> Response {
        let body = try await request.bodyData(limit: maxPackageBytes)
        let files = try PackageUpload.files(from: Array(body), contentType: request.headers[.contentType])
        let info: PackageVersionInfo
        do throws(PublishError) {
            info = try await registry.publish(files: files, source: "the API")
        } catch {
            throw Self.apiError(error)
        }
        return try .json(info, status: .created)
    }

    func detail(_ context: TideRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let versions = await registry.versions(of: name) else { throw APIError.notFound("no package named \"\(name)\"") }
        return try .json(PackageDetail(name: name, versions: versions))
    }

    func version(_ context: TideRequestContext) async throws -> Response {
        let (name, version) = try nameAndVersion(context)
        guard let info = await registry.version(name, version) else { throw Self.noVersion(name, version) }
        return try .json(info)
    }

    func yank(_ context: TideRequestContext, _ yanked: Bool) async throws -> Response {
        let (name, version) = try nameAndVersion(context)
        let info: PackageVersionInfo?
        do {
            info = try await registry.setYanked(name, version, yanked: yanked)
        } catch {
            throw APIError.internalError(error.description)
        }
        guard let info else { throw Self.noVersion(name, version) }
        return try .json(info)
    }

    func file(_ request: Request, _ context: TideRequestContext) async throws -> Response {
        let (name, version) = try nameAndVersion(context)
        let fileName = try context.parameters.require("file")
        guard let (record, path) = await registry.file(name, version, fileName) else {
            throw APIError.notFound("\(name) \(version) has no file \"\(fileName)\"")
        }
        return try BlobResponse.serve(path: path, digest: record.digest, mediaType: record.mediaType, request: request)
    }

    func resolve(_ request: Request) async throws -> Response {
        let body = try await request.decodeJSON(ResolveRequest.self, limit: maxBodyBytes)
        guard !body.requirements.isEmpty else { throw APIError.badRequest("requirements is empty: name them as {\"name\": \"range\"}") }
        let entries: [RegistryEntry]
        do throws(ResolveFailure) {
            entries = try await registry.resolve(body.requirements)
        } catch {
            switch error {
            case .badRange(let message): throw APIError.badRequest(message)
            case .unsatisfiable(let lines):
                throw APIError(
                    .unprocessableContent, code: "unsatisfiable", lines.joined(separator: "\n"),
                    details: ["explanation": .array(lines.map(JSONValue.string))])
            }
        }
        let pinned = entries.map { entry in
            let info = entry.info()
            return PinnedPackage(
                name: info.name, version: info.version, yanked: info.yanked, moduleDigest: info.module.sha256,
                moduleURL: info.module.url, files: info.files)
        }
        return try .json(ResolveResponse(packages: pinned))
    }

    private func nameAndVersion(_ context: TideRequestContext) throws -> (String, String) {
        (try context.parameters.require("name"), try context.parameters.require("version"))
    }

    static func noVersion(_ name: String, _ version: String) -> APIError {
        APIError.notFound("no package \(name) with version \(version)")
    }

    static func apiError(_ error: PublishError) -> APIError {
        switch error {
        case .invalid(let problems):
            APIError(
                .unprocessableContent, code: "invalid_package", problems.joined(separator: "\n"),
                details: ["problems": .array(problems.map(JSONValue.string))])
        case .exists(let message): APIError(.conflict, code: "version_exists", message)
        case .storage(let message): APIError.internalError(message)
        case .signature(let message): APIError(.unprocessableContent, code: "signature_refused", message)
        }
    }
}
