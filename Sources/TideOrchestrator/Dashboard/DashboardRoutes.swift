import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TideHTTP

/// The web dashboard: `/` (its page) and `/dashboard/<file>` (scripts, styles, icon). Public, as
/// they hold no fleet data: the page asks for the operator token and sends it with every call to
/// `/api/v1`, which stays behind `AuthMiddleware`. Each answer carries a strict
/// Content-Security-Policy (scripts and styles from this server only, no inline script, no other
/// origin), a strong ETag (`If-None-Match` gets 304) and `Cache-Control: no-cache`, so a browser
/// revalidates and an upgraded server's files are never stale.
struct DashboardRoutes {
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    func add(to router: Router<TideRequestContext>) {
        router.get("/") { request, _ in try Self.response(for: "index.html", request: request) }
        router.get("dashboard/{file}") { request, context in
            try Self.response(for: try context.parameters.require("file"), request: request)
        }
    }

    static func response(for name: String, request: Request) throws -> Response {
        guard let asset = DashboardAsset.all[name] else {
            throw APIError.notFound("no dashboard file \(name); the dashboard is at /")
        }
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            .eTag: asset.etag,
            .cacheControl: "no-cache",
            .contentSecurityPolicy: contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
        ]
        if let referrerPolicy = HTTPField.Name("Referrer-Policy") { headers[referrerPolicy] = "no-referrer" }
        if let presented = request.headers[.ifNoneMatch],
            presented.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.etag })
        {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(asset.bytes.count)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
