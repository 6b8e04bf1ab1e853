import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import TideModel

/// One HTTP connection to a simulated device: `GET /health`, `GET /.well-known/wasmiot-device-description`
/// and, with a deploy agent, `POST /deploy` and `DELETE /deploy/<id>`. A hanging device reads
/// requests and never answers. Lives on its channel's event loop only.
final class SimulatedDeviceHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Largest request body read (a deployment node); the real supervisor's limit too.
    static let maxBodyBytes = 1 << 20

    let member: SimulatedFleet.Member
    let modes: NIOLockedValueBox<[DeviceID: SimulatedFleet.Mode]>
    let agent: SimulatedDeployAgent?
    /// Close the connection after each answer (`Connection: close`): thousands of devices probed
    /// by several servers would otherwise hold a socket per device and server open in this process.
    let closeEachConnection: Bool
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false

    init(
        member: SimulatedFleet.Member, modes: NIOLockedValueBox<[DeviceID: SimulatedFleet.Mode]>, agent: SimulatedDeployAgent?,
        closeEachConnection: Bool = false
    ) {
        self.member = member
        self.modes = modes
        self.agent = agent
        self.closeEachConnection = closeEachConnection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body.removeAll(keepingCapacity: true)
            tooLarge = false
        case .body(let chunk):
            if body.count + chunk.readableBytes > Self.maxBodyBytes {
                tooLarge = true
            } else {
                body.append(contentsOf: chunk.readableBytesView)
            }
        case .end:
            guard let requestHead = head else { return }
            head = nil
            if modes.withLockedValue({ $0[member.id] }) == .hanging { return }
            route(requestHead, context: context)
        }
    }

    private func route(_ request: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        switch (request.method, path) {
        case (.GET, "/health"):
            respond(SimulatedAnswer(json: #"{"cpuUsage": 10.0, "memoryUsage": 0.3}"#), context: context)  // percent, as wasmiot
        case (.GET, "/.well-known/wasmiot-device-description"):
            respond(SimulatedAnswer(value: SimulatedFleet.description(of: member)), context: context)
        case (.POST, "/deploy"):
            guard let agent else { return respond(.notFound(path), context: context) }
            guard !tooLarge else {
                return respond(.error(.payloadTooLarge, "too_large", "the node is over \(Self.maxBodyBytes) bytes"), context: context)
            }
            let node = body
            let device = member.id
            let authorization = request.headers.first(name: "authorization")
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            Task {
                let answer = await agent.deploy(node, on: device, authorization: authorization)
                loop.execute { bound.value.0.respond(answer, context: bound.value.1) }
            }
        case (.DELETE, _) where path.hasPrefix("/deploy/") && agent != nil:
            let id = String(path.dropFirst("/deploy/".count))
            let authorization = request.headers.first(name: "authorization")
            respond(agent?.remove(id, on: member.id, authorization: authorization) ?? .notFound(path), context: context)
        default:
            respond(.notFound(path), context: context)
        }
    }

    private func respond(_ answer: SimulatedAnswer, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(answer.body.readableBytes))
        if closeEachConnection { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: answer.status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if closeEachConnection {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

/// A JSON answer of a simulated device.
struct SimulatedAnswer: Sendable {
    var status: HTTPResponseStatus
    var body: ByteBuffer

    init(status: HTTPResponseStatus = .ok, json: String) {
        self.status = status
        self.body = ByteBuffer(string: json)
    }

    init(status: HTTPResponseStatus = .ok, value: JSONValue) {
        let bytes = (try? TideJSON.encoder().encode(value)) ?? Data("null".utf8)
        self.status = status
        self.body = ByteBuffer(bytes: bytes)
    }

    /// The supervisor's error shape: `{"error": {"code", "message"}}`.
    static func error(_ status: HTTPResponseStatus, _ code: String, _ message: String) -> SimulatedAnswer {
        SimulatedAnswer(status: status, value: ["error": ["code": .string(code), "message": .string(message)]])
    }

    static func notFound(_ path: String) -> SimulatedAnswer {
        error(.notFound, "not_found", "this simulated device has no route \(path)")
    }
}
