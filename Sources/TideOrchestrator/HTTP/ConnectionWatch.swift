import NIOCore
import Synchronization
import TidePlacement

/// Notices when the client of a connection goes away (it closed its side, or the connection
/// dropped), so that expensive work done for it can stop. One per connection, kept by
/// `ConnectionWatchHandler` in the channel's pipeline.
final class ConnectionWatch: Sendable {
    private let state = Mutex<State>(State())

    private struct State {
        var closed = false
        var nextID = 0
        var callbacks: [Int: @Sendable () -> Void] = [:]
    }

    /// Calls `body` once when the client goes away (at once if it already has). Returns an id for
    /// `remove`, nil when `body` already ran.
    @discardableResult
    func onClose(_ body: @escaping @Sendable () -> Void) -> Int? {
        let id = state.withLock { state -> Int? in
            guard !state.closed else { return nil }
            state.nextID += 1
            state.callbacks[state.nextID] = body
            return state.nextID
        }
        if id == nil { body() }
        return id
    }

    func remove(_ id: Int) {
        _ = state.withLock { $0.callbacks.removeValue(forKey: id) }
    }

    func closed() {
        let callbacks = state.withLock { state -> [@Sendable () -> Void] in
            state.closed = true
            defer { state.callbacks = [:] }
            return Array(state.callbacks.values)
        }
        for callback in callbacks { callback() }
    }

    /// The watch of `channel`'s connection; nil when its pipeline has none.
    static func of(_ channel: any Channel) async -> ConnectionWatch? {
        try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: ConnectionWatchHandler.self).watch
        }.get()
    }
}

/// Tells the connection's `ConnectionWatch` when the client closes its side (the server allows
/// half-closed connections, so that is the only sign of a client that gave up) or the connection
/// is gone.
final class ConnectionWatchHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let watch = ConnectionWatch()

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { watch.closed() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch.closed()
        context.fireChannelInactive()
    }
}

extension TideRequestContext {
    /// Runs `body` with a placement cancellation that fires when this request's client goes away.
    func cancellingWhenClientLeaves<T>(_ body: (PlacementCancellation) async throws -> T) async throws -> T {
        let cancellation = PlacementCancellation()
        let watch = await ConnectionWatch.of(channel)
        let id = watch?.onClose {
            cancellation.cancel("the placement was abandoned: the client closed the connection")
        }
        defer { if let id { watch?.remove(id) } }
        return try await body(cancellation)
    }
}
