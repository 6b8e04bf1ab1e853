import Logging
import ServiceLifecycle

/// A Tide server as a ServiceLifecycle service: `run()` serves until its task is cancelled or its
/// group shuts down, so several share one group (`tide dev`); `run(handleSignals:onRunning:)` runs
/// one as a process's only service.
public protocol TideServer: Service {
    /// Receives the bound port once requests are accepted.
    var onRunning: @Sendable (Int) async -> Void { get set }
    var logger: Logger { get }
}

extension TideServer {
    /// Runs alone until cancelled or until SIGINT/SIGTERM (when `handleSignals`), then shuts down
    /// gracefully; `onRunning` takes the place of the server's own.
    public func run(handleSignals: Bool, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var server = self
        server.onRunning = onRunning
        try await GracefulServiceGroup.run(server, logger: logger, handleSignals: handleSignals)
    }
}
