import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// Hummingbird's HTTP/1.1 child channel with the connection rules every Tide server keeps:
/// HTTP/1.0 clients see the connection closed after their response, and a connection that
/// neither reads nor writes for `idleTimeout` is closed.
public struct TideHTTP1Channel: ServerChildChannel {
    public typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel

    public init(
        responder: @escaping HTTPChannelHandler.Responder, idleTimeout: TimeAmount,
        additionalChannelHandlers: @escaping @Sendable () -> [any RemovableChannelHandler] = { [] }
    ) {
        base = HTTP1Channel(
            responder: responder,
            configuration: .init(additionalChannelHandlers: additionalChannelHandlers(), idleTimeout: idleTimeout))
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(HTTP10ConnectionClose(), position: .after(decoder))
            return value
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// How long a connection may sit without reading or writing before it is closed.
    public static let defaultIdleTimeout: TimeAmount = .seconds(30)

    /// The HTTP/1.1 server every Tide process runs (see `TideHTTP1Channel`); the handlers are
    /// made anew for each connection and sit after HTTP decoding.
    public static func tide(
        idleTimeout: TimeAmount = defaultIdleTimeout,
        additionalChannelHandlers: @autoclosure @escaping @Sendable () -> [any RemovableChannelHandler] = []
    ) -> HTTPServerBuilder {
        .init { responder in
            TideHTTP1Channel(responder: responder, idleTimeout: idleTimeout, additionalChannelHandlers: additionalChannelHandlers)
        }
    }

    /// `tide(additionalChannelHandlers:)` over TLS with `tls`, plain HTTP without.
    public static func tide(
        tls: TLSConfiguration?, additionalChannelHandlers: @autoclosure @escaping @Sendable () -> [any RemovableChannelHandler] = []
    ) throws -> HTTPServerBuilder {
        let http = tide(additionalChannelHandlers: additionalChannelHandlers())
        return try tls.map { try .tls(http, tlsConfiguration: $0) } ?? http
    }
}
