import Foundation
import Hummingbird
import TideModel

/// A request context that decodes requests and encodes responses as Tide does JSON everywhere
/// (`TideJSON`); both servers' contexts are one.
public protocol TideJSONRequestContext: RequestContext where Decoder == JSONDecoder, Encoder == JSONEncoder {}

extension TideJSONRequestContext {
    public var requestDecoder: JSONDecoder { TideJSON.decoder() }
    public var responseEncoder: JSONEncoder { TideJSON.encoder() }
}
