import NIOCore
import NIOHTTP1
import NIOPosix

/// One GET over a new plain-HTTP connection, closed after the answer: for devices that close every
/// connection after answering (wasmiot's Flask supervisors), for which a connection pool has
/// nothing to reuse, and whose probes cost a server about 30 % less CPU this way than through
/// AsyncHTTPClient (docs/benchmarks.md, `tide-bench probes`).
struct PlainHTTPGet: Sendable {
    struct Answer: Sendable {
        var status: HTTPResponseStatus
        var body: ByteBuffer
        /// The device would have kept the connection open (HTTP/1.1 without `Connection: close`).
        var keepsConnection: Bool
    }

    enum Failure: Error {
        /// No whole answer within the time allowed (connecting included).
        case timeout
        /// The device closed the connection before its answer was whole.
        case closedEarly
        /// The answer's body is longer than allowed.
        case tooLarge
        /// Connecting failed (refused, unreachable): NIO's error.
        case connect(any Error)
        /// The connection failed after it opened (a reset, an answer that is not HTTP).
        case connection(any Error)
    }

    let group: any EventLoopGroup

    func get(host: String, port: Int, path: String, timeout: Duration, maxBytes: Int) async throws(Failure) -> Answer {
        let loop = group.next()
        let answer = loop.makePromise(of: Answer.self)
        let deadline = loop.scheduleTask(in: .nanoseconds(timeout.inNanoseconds)) { answer.fail(Failure.timeout) }
        answer.futureResult.whenComplete { _ in deadline.cancel() }
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.nanoseconds(timeout.inNanoseconds))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(OneAnswer(answer: answer, maxBytes: maxBytes))
                }
            }
        let connected: EventLoopFuture<any Channel>
        if let address = try? SocketAddress(ipAddress: host, port: port) {
            connected = bootstrap.connect(to: address)
        } else {
            connected = bootstrap.connect(host: host, port: port)
        }
        let hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        connected.whenComplete { result in
            switch result {
            case .failure(let error):
                answer.fail(Failure.connect(error))
            case .success(let channel):
                // Closed once answered, failed or timed out (also when that came before the connection).
                answer.futureResult.whenComplete { _ in channel.close(promise: nil) }
                let head = HTTPRequestHead(
                    version: .http1_1, method: .GET, uri: path,
                    headers: ["Host": hostHeader, "Accept": "application/json"])
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }
        }
        do {
            return try await answer.futureResult.get()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .connection(error)
        }
    }
}

/// Collects the one answer and completes the promise with it.
private final class OneAnswer: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let answer: EventLoopPromise<PlainHTTPGet.Answer>
    private let maxBytes: Int
    private var status: HTTPResponseStatus = .ok
    private var keepsConnection = false
    private var body: ByteBuffer?
    /// Reading a 1xx answer, which precedes the real one.
    private var informational = false

    init(answer: EventLoopPromise<PlainHTTPGet.Answer>, maxBytes: Int) {
        self.answer = answer
        self.maxBytes = maxBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
            keepsConnection = head.isKeepAlive
            informational = (100..<200).contains(head.status.code)
        case .body(var part):
            if (body?.readableBytes ?? 0) + part.readableBytes > maxBytes {
                answer.fail(PlainHTTPGet.Failure.tooLarge)
                context.close(promise: nil)
            } else if body == nil {
                body = part
            } else {
                body?.writeBuffer(&part)
            }
        case .end where informational:
            informational = false
        case .end:
            answer.succeed(PlainHTTPGet.Answer(status: status, body: body ?? ByteBuffer(), keepsConnection: keepsConnection))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer.fail(PlainHTTPGet.Failure.closedEarly)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The decoder's word for a connection closed in the middle of an answer.
        if let error = error as? HTTPParserError, error == .invalidEOFState {
            answer.fail(PlainHTTPGet.Failure.closedEarly)
        } else {
            answer.fail(PlainHTTPGet.Failure.connection(error))
        }
        context.close(promise: nil)
    }
}
