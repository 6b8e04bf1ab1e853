import Logging
import ServiceLifecycle

/// Runs a service group so that cancelling the calling task shuts it down gracefully instead of
/// cancelling its services. A server whose serving task is cancelled while NIO holds a connection
/// it accepted but did not hand over yet drops that connection's writer unfinished, and NIO traps
/// ("Deinited NIOAsyncWriter without calling finish()", swift-nio #3481); a graceful shutdown
/// drains them.
public enum GracefulServiceGroup {
    /// One service (an HTTP server); with `handleSignals`, SIGTERM and SIGINT shut it down gracefully.
    public static func run(_ service: any Service, logger: Logger, handleSignals: Bool = false) async throws {
        try await run(ServiceGroup(configuration: .init(
            services: [service], gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger)))
    }

    public static func run(_ group: ServiceGroup) async throws {
        let running = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await running.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }
}
