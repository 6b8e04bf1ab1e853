import Logging
import ServiceLifecycle
import TideModel
import TideStore

/// Drives the deployment controller from the event log: a device turning dead moves its steps at
/// once; any other fleet change retries degraded deployments; a periodic tick catches the rest.
/// On start it finishes deploys a crash interrupted.
struct Reconciler: Service {
    let controller: DeploymentController
    let store: TideStore
    let bus: EventBus
    /// Between full passes over every deployment.
    let tick: Duration
    /// How long to let devices report in after a start before reconciling (their heartbeats tell
    /// which nodes they already run).
    let settle: Duration
    /// When set, active deployments move back (one step per pass) when a fresh placement scores at
    /// least this much higher.
    let rebalanceGain: Double?
    let logger: Logger

    func run() async throws {
        // Ends with the server's graceful shutdown (SIGTERM), not only on cancellation.
        try await cancelWhenGracefulShutdown { try await loop() }
    }

    private func loop() async throws {
        var cursor = try store.latestEventID()
        try await Task.sleep(for: settle)
        guard !Task.isCancelled else { return }
        await controller.reconcileAll()
        var lastPass = ContinuousClock.now
        while !Task.isCancelled {
            await bus.wait(after: cursor, timeout: tick)
            if Task.isCancelled { break }
            let events = (try? store.events(afterID: cursor, limit: 1000)) ?? []
            cursor = events.last?.id ?? cursor
            var fleetChanged = false
            for event in events {
                switch event.kind {
                case .deviceStatusChanged:
                    guard let device = event.device else { continue }
                    if event.details?["to"]?.stringValue == DeviceStatus.dead.rawValue {
                        for name in await controller.deployments(on: device) {
                            logger.notice("device \(device) is dead; re-placing the steps of \(name)")
                            await controller.recover(name)
                        }
                    }
                    fleetChanged = true
                case .deviceRegistered, .deviceUpdated, .deviceLabelsChanged, .deviceRemoved:
                    fleetChanged = true
                default:
                    continue
                }
            }
            if fleetChanged || ContinuousClock.now - lastPass >= tick {
                await controller.reconcileAll()
                lastPass = ContinuousClock.now
                if let rebalanceGain {
                    for deployment in await controller.list() where deployment.status == .active {
                        await controller.rebalance(deployment.name, minimumGain: rebalanceGain)
                    }
                }
            }
        }
    }
}
