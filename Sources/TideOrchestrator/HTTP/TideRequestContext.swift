import Foundation
import Hummingbird
import NIOCore
import TideModel

/// The request context of every Tide route: Tide's JSON conventions for encoding.
public struct TideRequestContext: RequestContext {
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

    public var responseEncoder: JSONEncoder { TideJSON.encoder() }
    public var requestDecoder: JSONDecoder { TideJSON.decoder() }
}
