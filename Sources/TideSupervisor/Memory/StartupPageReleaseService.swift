import Logging
import ServiceLifecycle
import TideModel

/// Runs `StartupPageRelease` once, `delay` after the supervisor started (so that the first
/// heartbeats and the restore of deployments are behind it), then waits for shutdown.
struct StartupPageReleaseService: Service {
    let delay: Duration
    let logger: Logger

    func run() async throws {
        let waited = await cancelWhenGracefulShutdown { (try? await Task.sleep(for: delay)) != nil }
        guard waited else { return }
        if let outcome = StartupPageRelease.run() {
            logger.info(
                "released \(megabytes(outcome.releasedBytes)) of start-up pages; resident \(megabytes(outcome.residentBefore)) -> \(megabytes(outcome.residentAfter))"
            )
        } else {
            logger.debug("start-up pages kept: /proc/self/pagemap is not readable here")
        }
        try? await gracefulShutdown()
    }

    private func megabytes(_ bytes: Int) -> String { ByteCount.format(UInt64(max(0, bytes))) }
}
