import Logging
import ServiceLifecycle
import Synchronization
import TideModel

/// Probes every device's `/health` each interval. Probes run concurrently and each is bounded by
/// the timeout; a device whose previous probe is still running is skipped, so a hanging device
/// never holds up the others or piles up requests.
public struct HealthMonitor: Service {
    let inventory: Inventory
    let probe: DeviceProbe
    let interval: Duration
    let timeout: Duration
    let logger: Logger

    public func run() async throws {
        guard interval > .zero else {
            logger.notice("health monitor is off (probe interval 0)")
            // A service that returns would stop the whole server.
            try? await gracefulShutdown()
            return
        }
        let inFlight = InFlight()
        let clock = ContinuousClock()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                var next = clock.now
                while !Task.isCancelled {
                    for target in await inventory.probeTargets() {
                        let started = inFlight.start(target.id)
                        guard started else { continue }
                        group.addTask {
                            let outcome = await probe.healthOutcome(of: target.endpoint, timeout: timeout)
                            await inventory.recordProbe(target.id, outcome)
                            inFlight.finish(target.id)
                        }
                    }
                    await inventory.flushHealth()
                    next = next.advanced(by: interval)
                    if next < clock.now { next = clock.now }
                    do {
                        try await Task.sleep(until: next, clock: clock)
                    } catch {
                        break
                    }
                }
                group.cancelAll()
            }
        }
        await inventory.flushHealth()
    }
}

/// Devices whose probe is running.
final class InFlight: Sendable {
    private let ids = Mutex<Set<DeviceID>>([])

    /// False when a probe of `id` is already running.
    func start(_ id: DeviceID) -> Bool { ids.withLock { $0.insert(id).inserted } }

    func finish(_ id: DeviceID) { _ = ids.withLock { $0.remove(id) } }
}
