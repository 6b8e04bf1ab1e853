import Foundation
import Hummingbird
import NIOCore
import NIOSSL
import TideHTTP
import TideModel
import TideTLS

/// The request context of every orchestrator route, with Tide's JSON conventions.
public struct TideRequestContext: TideJSONRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address, for wasmiot registrations that leave out their host.
    public let remoteIP: String?
    /// The request's connection, to notice a client that went away (see `ConnectionWatch`).
    let channel: any Channel
    /// The operator token of the request, once the auth middleware has accepted it.
    public var caller: APIToken?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteIP = source.channel.remoteAddress?.ipAddress
        channel = source.channel
    }

    /// The certificate the client showed over TLS (NIOSSL has checked its chain and validity);
    /// nil over plain HTTP or when the client showed none.
    func presentedCertificate() async -> NIOSSLCertificate? {
        try? await channel.nioSSL_peerCertificate().get()
    }
}
