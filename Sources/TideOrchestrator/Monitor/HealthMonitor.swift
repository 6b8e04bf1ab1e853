import Logging
import ServiceLifecycle
import Synchronization
import TideModel

/// Probes devices' `/health` on their schedule (each interval, sooner while suspect) and watches
/// heartbeats. Probes run concurrently and each is bounded by the timeout; a device whose probe
/// is still running is skipped, so a hanging device never holds up the others or piles up requests.
public struct HealthMonitor: Service {
    let inventory: Inventory
    let probe: DeviceProbe
    let schedule: ProbeSchedule
    let timeout: Duration
    /// Devices known at start are first probed after this long, so a restarted server does not
    /// suspect devices that have not had a moment to heartbeat.
    let firstProbeDelay: Duration
    let logger: Logger
    let metrics: ServerMetrics
    /// Which devices this replica watches (all of them unless replicas share the store).
    var watch: WatchedDevices = .all
    /// Between writes of gathered health reports; nil: every probe interval.
    var flushInterval: Duration?

    public func run() async throws {
        guard schedule.interval > .zero else {
            logger.notice("health monitor is off (probe interval 0)")
            // A service that returns would stop the whole server.
            try? await gracefulShutdown()
            return
        }
        await inventory.deferFirstProbes(by: firstProbeDelay)
        let tick = min(.milliseconds(50), schedule.quickRecheck, schedule.interval)
        let inFlight = InFlight()
        let clock = ContinuousClock()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                let flushEvery = flushInterval ?? schedule.interval
                var nextFlush = clock.now + flushEvery
                while !Task.isCancelled {
                    for target in await inventory.dueProbes(schedule: schedule, watch: watch) where inFlight.start(target.id) {
                        group.addTask {
                            let started = ContinuousClock.now
                            let outcome = await probe.healthOutcome(of: target.endpoint, timeout: timeout)
                            metrics.probe(outcome, took: ContinuousClock.now - started)
                            await inventory.recordProbe(target.id, outcome)
                            inFlight.finish(target.id)
                        }
                    }
                    if clock.now >= nextFlush {
                        await inventory.flushHealth()
                        nextFlush = clock.now + flushEvery
                    }
                    do {
                        try await Task.sleep(for: tick, clock: clock)
                    } catch {
                        break
                    }
                }
                group.cancelAll()
            }
        }
        // A datastore that went away would hold the stop up: the last reports wait 2 s at most.
        let flushing = inventory
        if !(await Deadline.run(.seconds(2)) { await flushing.flushHealth() }) {
            logger.warning("the last health reports were not written: the datastore did not answer within 2 s")
        }
    }
}

/// Devices whose probe is running.
final class InFlight: Sendable {
    private let ids = Mutex<Set<DeviceID>>([])

    /// False when a probe of `id` is already running.
    func start(_ id: DeviceID) -> Bool { ids.withLock { $0.insert(id).inserted } }

    func finish(_ id: DeviceID) { _ = ids.withLock { $0.remove(id) } }
}
