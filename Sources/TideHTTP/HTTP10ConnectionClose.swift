import NIOCore
import NIOHTTP1

/// Marks a request that does not ask to keep its connection (HTTP/1.0 without `keep-alive`, or
/// `Connection: close`) with `Connection: close`, the one signal Hummingbird closes on after the
/// response. Without it an HTTP/1.0 client waits for a close that never comes.
final class HTTP10ConnectionClose: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), !head.isKeepAlive else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
