import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import TideModel

/// The simulated fleet's heartbeat POSTs, over a few kept-open HTTP/1.1 connections per replica
/// with requests pipelined on each (the replicas answer a connection's requests in order).
/// AsyncHTTPClient's bookkeeping cost the benchmark about 75 us of CPU a request: at 10,000
/// heartbeats a second, most of a core of the two the replicas it measures run on. A request that
/// gets no answer within its timeout fails alone (see `PipelinedAnswers`); a closed connection is
/// opened again by the next request.
final class HeartbeatLanes: Sendable {
    struct Answer: Sendable {
        var status: Int
        var body: ByteBuffer
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let group: any EventLoopGroup
    private let lanes: [String: [Lane]]
    private let next = NIOLockedValueBox(0)

    /// `urls` are `http://host:port` (no path, no TLS).
    init(urls: [String], lanesPerURL: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        self.group = group
        var lanes: [String: [Lane]] = [:]
        for url in urls {
            guard let parsed = URLComponents(string: url), parsed.scheme == "http", let host = parsed.host, let port = parsed.port else {
                throw Failure(description: "heartbeat lanes need http://host:port URLs, got \(url)")
            }
            lanes[url] = (0..<max(1, lanesPerURL)).map { _ in Lane(host: host, port: port, group: group) }
        }
        self.lanes = lanes
    }

    /// POSTs `body` (JSON) to `url` + `path` with `headers`; the status and body answered.
    func post(_ url: String, path: String, headers: HTTPHeaders, body: ByteBuffer, timeout: TimeAmount) async throws -> Answer {
        guard let choices = lanes[url], !choices.isEmpty else { throw Failure(description: "no heartbeat lane to \(url)") }
        let turn = next.withLockedValue { value -> UInt in
            value &+= 1
            return UInt(bitPattern: value)
        }
        let lane = choices[Int(turn % UInt(choices.count))]
        let channel = try await lane.channel(timeout: timeout)
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)
        head.headers.replaceOrAdd(name: "Host", value: lane.hostHeader)
        head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        let answer = channel.eventLoop.makePromise(of: Answer.self)
        // A connection that closed before the request reached it has no handler left to answer:
        // the failed write fails the request (a second completion of a promise is ignored).
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { answer.fail($0) }
        channel.writeAndFlush(PendingRequest(head: head, body: body, promise: answer, timeout: timeout), promise: written)
        return try await answer.futureResult.get()
    }

    func close() async {
        for lane in lanes.values.joined() { await lane.close() }
    }
}

/// One kept-open connection, opened again after it closed.
private final class Lane: Sendable {
    private enum State {
        case closed
        case connecting(EventLoopFuture<any Channel>)
        case open(any Channel)
    }

    let host: String
    let port: Int
    let hostHeader: String
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox(State.closed)

    init(host: String, port: Int, group: any EventLoopGroup) {
        self.host = host
        self.port = port
        hostHeader = "\(host):\(port)"
        self.group = group
    }

    func channel(timeout: TimeAmount) async throws -> any Channel {
        let future = state.withLockedValue { state -> EventLoopFuture<any Channel> in
            switch state {
            case .open(let channel) where channel.isActive:
                return channel.eventLoop.makeSucceededFuture(channel)
            case .connecting(let connecting):
                return connecting
            case .open, .closed:
                let connecting = ClientBootstrap(group: group)
                    .connectTimeout(timeout)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHTTPClientHandlers()
                            try channel.pipeline.syncOperations.addHandler(PipelinedAnswers())
                        }
                    }
                    .connect(host: host, port: port)
                state = .connecting(connecting)
                return connecting
            }
        }
        do {
            let channel = try await future.get()
            state.withLockedValue { state in
                if case .connecting(let connecting) = state, connecting === future { state = .open(channel) }
            }
            return channel
        } catch {
            state.withLockedValue { state in
                if case .connecting(let connecting) = state, connecting === future { state = .closed }
            }
            throw error
        }
    }

    func close() async {
        let open: (any Channel)? = state.withLockedValue { state in
            defer { state = .closed }
            if case .open(let channel) = state { return channel }
            return nil
        }
        try? await open?.close()
    }
}

private struct PendingRequest {
    let head: HTTPRequestHead
    let body: ByteBuffer
    let promise: EventLoopPromise<HeartbeatLanes.Answer>
    let timeout: TimeAmount
}

/// Writes requests and answers them in the order they were sent, each with its own deadline. A
/// request past its deadline fails alone, and its late answer is read and dropped; a connection
/// whose oldest request has had no answer for `stuckAfter` is closed (the requests behind it fail).
private final class PipelinedAnswers: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = PendingRequest
    typealias OutboundOut = HTTPClientRequestPart

    static let stuckAfter: TimeAmount = .seconds(10)

    private final class Waiting {
        let promise: EventLoopPromise<HeartbeatLanes.Answer>
        var deadline: Scheduled<Void>?

        init(promise: EventLoopPromise<HeartbeatLanes.Answer>) { self.promise = promise }
    }

    private var waiting: [Waiting] = []
    private var waitingStart = 0
    private var status = 0
    private var body: ByteBuffer?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard context.channel.isActive else {
            let closed = HeartbeatLanes.Failure(description: "connection to the replica closed")
            request.promise.fail(closed)
            promise?.fail(closed)
            return
        }
        let entry = Waiting(promise: request.promise)
        let loop = context.eventLoop.assumeIsolated()
        entry.deadline = loop.scheduleTask(in: request.timeout) {
            entry.promise.fail(HeartbeatLanes.Failure(description: "no answer within \(request.timeout.nanoseconds / 1_000_000) ms"))
            entry.deadline = loop.scheduleTask(in: max(.zero, Self.stuckAfter - request.timeout)) {
                self.failAll(HeartbeatLanes.Failure(description: "connection to the replica stuck"))
                context.close(promise: nil)
            }
        }
        waiting.append(entry)
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(request.body))), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            body = nil
        case .body(var part):
            if body == nil { body = part } else { body?.writeBuffer(&part) }
        case .end:
            guard waitingStart < waiting.count else { return }
            let first = waiting[waitingStart]
            waitingStart += 1
            if waitingStart == waiting.count {
                waiting.removeAll(keepingCapacity: true)
                waitingStart = 0
            }
            first.deadline?.cancel()
            first.promise.succeed(HeartbeatLanes.Answer(status: status, body: body ?? ByteBuffer()))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(HeartbeatLanes.Failure(description: "connection to the replica closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        let pending = waiting[waitingStart...]
        waiting.removeAll()
        waitingStart = 0
        for entry in pending {
            entry.deadline?.cancel()
            entry.promise.fail(error)
        }
    }
}

extension HeartbeatLanes {
    /// The `watcher` of a heartbeat answer (`HeartbeatAck`), read without a JSON decoder when the
    /// answer is as the replicas write it (one top-level `"watcher"` string with at most `\/`,
    /// `\\` and `\"` escapes); decoded as JSON otherwise.
    static func watcher(in body: ByteBuffer) -> String? {
        let bytes = body.readableBytesView
        let key = Array(#""watcher""#.utf8)
        guard let found = bytes.firstRange(of: key) else { return nil }
        var index = found.upperBound
        func skipSpaces() { while index < bytes.endIndex, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 } }
        skipSpaces()
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") {
            index += 1
            skipSpaces()
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                var value: [UInt8] = []
                var plain = true
                while index < bytes.endIndex, bytes[index] != UInt8(ascii: "\"") {
                    var byte = bytes[index]
                    if byte == UInt8(ascii: "\\") {
                        index += 1
                        guard index < bytes.endIndex, [UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "\"")].contains(bytes[index]) else {
                            plain = false
                            break
                        }
                        byte = bytes[index]
                    }
                    value.append(byte)
                    index += 1
                }
                if plain, index < bytes.endIndex { return String(decoding: value, as: UTF8.self) }
            }
        }
        return (try? JSONDecoder().decode(HeartbeatAck.self, from: Data(bytes)))?.watcher
    }
}
