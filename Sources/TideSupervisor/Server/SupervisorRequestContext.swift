import Foundation
import Hummingbird
import NIOCore
import TideModel

/// The request context of the supervisor's routes.
public struct SupervisorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request's connection, to read the certificate the peer showed over TLS.
    let channel: any Channel
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
    public var responseEncoder: JSONEncoder { TideJSON.encoder() }
    public var requestDecoder: JSONDecoder { TideJSON.decoder() }
}
