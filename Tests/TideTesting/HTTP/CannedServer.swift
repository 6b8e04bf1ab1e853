import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A TCP server on 127.0.0.1 that reads a request's head and then sends the same bytes to every
/// connection, as given (a whole answer, half of one, or nothing), and closes the connection
/// unless told to hang. For clients' handling of what devices really send. Keeps each request head.
final class CannedServer: Sendable {
    enum Then: Sendable {
        case close
        /// Keeps the connection open and sends nothing more.
        case hang
    }

    let port: Int
    private let channel: any Channel
    private let heads: Heads

    var address: String { "127.0.0.1:\(port)" }
    /// Every request head received (up to the blank line), in order.
    var requestHeads: [String] { heads.list.withLock { $0 } }

    private init(port: Int, channel: any Channel, heads: Heads) {
        self.port = port
        self.channel = channel
        self.heads = heads
    }

    static func start(answer: [UInt8], then: Then = .close) async throws -> CannedServer {
        let heads = Heads()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(CannedAnswer(answer: answer, then: then, heads: heads))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw POSIXError(.EADDRNOTAVAIL) }
        return CannedServer(port: port, channel: channel, heads: heads)
    }

    static func start(answer: String, then: Then = .close) async throws -> CannedServer {
        try await start(answer: Array(answer.utf8), then: then)
    }

    func stop() async { try? await channel.close() }
}

private final class Heads: Sendable {
    let list = Mutex<[String]>([])
}

private final class CannedAnswer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let answer: [UInt8]
    let then: CannedServer.Then
    let heads: Heads
    private var received: [UInt8] = []
    private var answered = false

    init(answer: [UInt8], then: CannedServer.Then, heads: Heads) {
        self.answer = answer
        self.then = then
        self.heads = heads
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.append(contentsOf: unwrapInboundIn(data).readableBytesView)
        guard !answered, let end = received.firstRange(of: Array("\r\n\r\n".utf8)) else { return }
        answered = true
        heads.list.withLock { $0.append(String(decoding: received[..<end.lowerBound], as: UTF8.self)) }
        let written = context.writeAndFlush(NIOAny(ByteBuffer(bytes: answer)))
        if case .close = then {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
