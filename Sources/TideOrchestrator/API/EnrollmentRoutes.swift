import Foundation
import Hummingbird
import TideHTTP
import TideModel

/// `/api/v1/join-tokens` (admin, see `RoleRules`): tokens devices enroll with; and the open
/// `POST /enroll`, where the join token in the body is the credential.
struct EnrollmentRoutes {
    let enrollment: Enrollment
    let maxBodyBytes: Int

    func addTokens(to group: RouterGroup<TideRequestContext>) {
        group.get("join-tokens") { _, _ in try Response.json(JoinTokenList(joinTokens: await enrollment.list())) }
        group.post("join-tokens") { request, context in
            let body = try await request.decodeJSON(CreateJoinTokenRequest.self, limit: maxBodyBytes)
            return try Response.json(await enrollment.create(body, by: context.caller), status: .created)
        }
        group.delete("join-tokens/{id}") { _, context in
            try await enrollment.revoke(try context.parameters.require("id"))
            return Response(status: .noContent)
        }
    }

    func addEnroll(to router: Router<TideRequestContext>) {
        router.post("enroll") { request, _ in
            let body = try await request.decodeJSON(EnrollRequest.self, limit: min(maxBodyBytes, 64 << 10))
            return try Response.json(await enrollment.enroll(body))
        }
        router.post("enroll/renew") { request, context in
            guard let peer = await enrollment.identity(of: context.presentedCertificate()) else {
                throw APIError(.unauthorized, code: "certificate_required", "renewal needs the device's current certificate (mutual TLS)")
            }
            let body = try await request.decodeJSON(RenewRequest.self, limit: min(maxBodyBytes, 64 << 10))
            return try Response.json(await enrollment.renew(csr: body.csr, peer: peer))
        }
        router.get("enroll/publisher-keys") { _, context in
            guard let peer = await enrollment.identity(of: context.presentedCertificate()) else {
                throw APIError(.unauthorized, code: "certificate_required", "the publisher keys go to enrolled devices (mutual TLS)")
            }
            try enrollment.authenticate(peer, as: nil)
            return try Response.json(enrollment.publisherKeys)
        }
        router.get("enroll/ca") { _, _ in
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: try enrollment.caCertificate())))
            response.headers[.contentType] = "application/x-pem-file"
            return response
        }
    }
}
