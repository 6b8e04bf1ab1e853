import Hummingbird
import NIOCore
import TideHTTP

/// The request context of the supervisor's routes, with Tide's JSON conventions.
public struct SupervisorRequestContext: TideJSONRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request's connection, to read the certificate the peer showed over TLS.
    let channel: any Channel
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
