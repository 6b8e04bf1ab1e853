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

    /// Probes running at once: when thousands of devices fall silent together (a replica died and
    /// their heartbeats are moving, or this server's network failed), the rest wait for a later tick
    /// instead of opening thousands of connections in the same instant.
    static let maxProbesInFlight = 256

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
        let flushing = Claim()
        let clock = ContinuousClock()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                let flushEvery = flushInterval ?? schedule.interval
                var nextFlush = clock.now + flushEvery
                while !Task.isCancelled {
                    let room = Self.maxProbesInFlight - inFlight.count
                    for target in await inventory.dueProbes(schedule: schedule, watch: watch, limit: room) where inFlight.start(target.id) {
                        group.addTask {
                            let started = ContinuousClock.now
                            let outcome = await probe.healthOutcome(of: target.endpoint, timeout: timeout)
                            metrics.probe(outcome, took: ContinuousClock.now - started)
                            await inventory.recordProbe(target.id, outcome)
                            inFlight.finish(target.id)
                        }
                    }
                    // In its own task: a slow datastore must not hold the probes up.
                    if clock.now >= nextFlush, flushing.claim() {
                        nextFlush = clock.now + flushEvery
                        group.addTask {
                            await inventory.flushHealth()
                            flushing.release()
                        }
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
        let last = inventory
        if !(await Deadline.run(.seconds(2)) { await last.flushHealth() }) {
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

    var count: Int { ids.withLock { $0.count } }
}

/// Work of which one runs at a time: `claim` is false while it runs.
final class Claim: Sendable {
    private let held = Mutex(false)

    func claim() -> Bool {
        held.withLock { held in
            guard !held else { return false }
            held = true
            return true
        }
    }

    func release() { held.withLock { $0 = false } }
}
