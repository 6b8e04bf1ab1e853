import Hummingbird
import NIOSSL
import TideHTTP
import TideTLS

/// Who may deploy to, remove from and re-point (`/register`) this supervisor.
enum ControlAuthority: Sendable {
    /// Anyone who reaches the port (no token, not enrolled): local experiments.
    case anyone
    /// Whoever sends `Authorization: Bearer <token>`.
    case token(String)
    /// Enrolled: only a peer that shows the fleet's server certificate over TLS.
    case serverCertificate

    func check(_ request: Request, _ context: SupervisorRequestContext) async throws(APIError) {
        switch self {
        case .anyone:
            return
        case .token(let token):
            try BearerToken.require(
                token, in: request, missing: BearerToken.needs("the supervisor's token"),
                wrong: "the token is not valid for this supervisor")
        case .serverCertificate:
            let shown = try? await context.channel.nioSSL_peerCertificate().get()
            guard let shown else {
                throw .unauthorized("this device is enrolled: it takes deployments only from its orchestrator's certificate (mutual TLS)")
            }
            guard (try? PeerCertificate(shown))?.role == .server else {
                throw .forbidden("only the orchestrator's certificate may deploy to this device, not another device's")
            }
        }
    }
}
