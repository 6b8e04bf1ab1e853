import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TideHTTP
import TideModel

/// `GET|POST /<deploymentId>/modules/<module>/<function>`, `GET /request-history[/<requestId>]` and
/// `GET /request-history/<requestId>/files/<name>`.
struct CallRoutes: Sendable {
    let calls: CallService
    let history: RequestHistory
    let maxBodyBytes: Int
    let maxFileBytes: Int
    let baseURL: @Sendable (Request) -> String

    struct Accepted: Encodable { var resultUrl: String }

    func add(to router: Router<SupervisorRequestContext>) {
        router.get("{deploymentId}/modules/{module}/{function}") { request, context in try await call(request, context) }
        router.post("{deploymentId}/modules/{module}/{function}") { request, context in try await call(request, context) }
        // wasmiot's listing; `deployment` and `since` (Unix seconds) narrow it (a rollout's error rate).
        router.get("request-history") { request, _ in
            let since = try request.uri.queryParameters["since"].map { text in
                guard let seconds = Double(String(text)), seconds.isFinite else {
                    throw SupervisorError.badRequest("since must be Unix seconds, not \"\(text)\"")
                }
                return Date(timeIntervalSince1970: seconds)
            }
            let deployment = request.uri.queryParameters["deployment"].map(String.init)
            return try Response.json(await history.entries(of: deployment, since: since))
        }
        router.get("request-history/{requestId}") { _, context in
            let id = try SafeName.check(try context.parameters.require("requestId"), as: "request id")
            guard let entry = await history.entry(id) else { throw SupervisorError.notFound("no request \(id) in the history") }
            return try Response.json(entry)
        }
        router.get("request-history/{requestId}/files/{name}") { _, context in
            let id = try SafeName.check(try context.parameters.require("requestId"), as: "request id")
            guard await history.entry(id) != nil else { throw SupervisorError.notFound("no request \(id) in the history") }
            let file = try ContainedPath(directory: await history.filesDirectory(id), name: try context.parameters.require("name"))
            let bytes = try file.read(limit: maxFileBytes)
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    func call(_ request: Request, _ context: SupervisorRequestContext) async throws -> Response {
        let deploymentId = try context.parameters.require("deploymentId")
        let module = try context.parameters.require("module")
        let function = try context.parameters.require("function")
        var inputs = CallInputs()
        var wait = HTTPField.Name("prefer").flatMap { request.headers[$0] }.map { $0.lowercased().contains("wait") } ?? false
        for (key, value) in request.uri.queryParameters {
            if key == "wait" {
                wait = wait || value == "true" || value == "1"
            } else {
                inputs.query[String(key)] = String(value)
            }
        }
        if request.method == .post {
            try Self.readBody(try await request.bodyBytes(limit: maxBodyBytes), contentType: request.headers[.contentType], into: &inputs)
        }
        let base = baseURL(request)
        let hops = try Self.hops(HTTPField.Name(CallService.hopsHeader).flatMap { request.headers[$0] })
        let id = try await calls.start(
            deploymentId: deploymentId, module: module, function: function, inputs: inputs, baseURL: base, hops: hops)
        guard wait else { return try Response.json(Accepted(resultUrl: "\(base)/request-history/\(id)")) }
        guard let entry = await history.completed(id) else {
            throw SupervisorError.notFound("request \(id) left the history before it finished")
        }
        return try Response.json(entry)
    }

    /// The `X-Tide-Hops` count: absent is 0, else decimal digits.
    static func hops(_ header: String?) throws(SupervisorError) -> Int {
        guard let header else { return 0 }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.count <= 9, text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int(text) else {
            throw .badRequest("\(CallService.hopsHeader) must be a whole decimal number of chained calls, got \"\(text.prefix(40))\"")
        }
        return value
    }

    static func readBody(_ body: [UInt8], contentType: String?, into inputs: inout CallInputs) throws(SupervisorError) {
        guard !body.isEmpty else { return }
        let type = contentType?.lowercased() ?? ""
        if type.hasPrefix("multipart/form-data") {
            let parts: [MultipartPart]
            do {
                parts = try MultipartParser.parse(body, contentType: contentType ?? "")
            } catch {
                throw .badRequest(error.message)
            }
            for part in parts {
                guard !part.name.isEmpty else { throw .badRequest("a multipart part has no name") }
                guard inputs.files[part.name] == nil else { throw .badRequest("the file \(part.name.prefix(64)) is sent twice") }
                inputs.files[part.name] = part.body
            }
        } else if type.hasPrefix("application/json") {
            let value: JSONValue
            do {
                value = try JSONDecoder().decode(JSONValue.self, from: Data(body))
            } catch {
                throw .badRequest("the body is not valid JSON")
            }
            if let object = value.objectValue {
                for (key, field) in object { inputs.named[key] = text(field) }
            } else if let array = value.arrayValue {
                inputs.positional = array.map(text)
            } else {
                inputs.positional = [text(value)]
            }
        } else {
            inputs.rawBody = body
        }
    }

    /// A JSON field as argument text: a number exactly (an i64 beyond 2^53, a float's shortest form).
    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): string
        case .number(let number): number.text
        default: RawJSON(value).description
        }
    }
}
