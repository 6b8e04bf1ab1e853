import Foundation
import Logging
import ServiceLifecycle
import TideModel
import TideStore

/// Drives the deployment controller from the event log: a device turning dead moves its steps at
/// once; any other fleet change retries degraded deployments; a periodic tick catches the rest.
/// On start it finishes deploys a crash interrupted.
struct Reconciler: Service {
    /// Deployments recovered at once after a device dies: enough that one waiting on a slow device
    /// does not hold up the others, few enough to leave the placement queue room for operators.
    static let concurrentRecoveries = 4

    let controller: DeploymentController
    let store: any FleetStore
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

    /// Runs the loop only while this replica leads: with several replicas, the one that takes
    /// the lease reads the deployments again and reconciles all of them first.
    let cluster: ClusterState
    /// When this process started: the settle time after a start is not needed after a takeover.
    let started = ContinuousClock.now
    static let leadershipCheck = Duration.milliseconds(100)

    func run() async throws {
        // Ends with the server's graceful shutdown (SIGTERM), not only on cancellation.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                while !cluster.mayLead() {
                    guard (try? await Task.sleep(for: Self.leadershipCheck)) != nil else { return }
                }
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { try? await lead() }
                    if cluster.shared { group.addTask { await followReports() } }
                    group.addTask {
                        while cluster.mayLead(), (try? await Task.sleep(for: Self.leadershipCheck)) != nil {}
                    }
                    await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    private func lead() async throws {
        // With several replicas, events count from what this replica has applied (the bus).
        var cursor = cluster.shared ? await bus.latest : try await store.latestEventID()
        if cluster.shared { await controller.reloadFromStore() }
        let settleLeft = settle - (ContinuousClock.now - started)
        if settleLeft > .zero { try await Task.sleep(for: settleLeft) }
        guard !Task.isCancelled else { return }
        await controller.reconcileAll()
        cluster.reconciling(since: Date())
        var lastPass = ContinuousClock.now
        while !Task.isCancelled {
            await bus.wait(after: cursor, timeout: tick)
            if Task.isCancelled { break }
            var events = (try? await store.events(afterID: cursor, since: nil, device: nil, limit: 1000)) ?? []
            if cluster.shared {
                let applied = await bus.latest
                events.removeAll { $0.id > applied }
            }
            cursor = events.last?.id ?? cursor
            var fleetChanged = false
            for event in events {
                switch event.kind {
                case .deviceStatusChanged:
                    guard let device = event.device else { continue }
                    let to = event.details?["to"]?.stringValue
                    if to == DeviceStatus.dead.rawValue {
                        let names = await controller.deployments(on: device)
                        logger.notice("device \(device) is dead; re-placing the steps of \(names.joined(separator: ", "))")
                        await recoverAll(names)
                    } else if to == DeviceStatus.alive.rawValue {
                        await controller.deviceReturned(device, because: "is alive again after being \(event.details?["from"]?.stringValue ?? "unreachable")")
                    }
                    fleetChanged = true
                case .deviceUpdated:
                    if let device = event.device, event.details?["registeredAgain"] == .bool(true) {
                        await controller.deviceReturned(device, because: "registered again")
                    }
                    fleetChanged = true
                case .deviceRegistered, .deviceLabelsChanged, .deviceRemoved, .deviceUncordoned:
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

    /// With several replicas, a device's heartbeats may reach another replica: what they said it
    /// runs is in the shared store with its health, and the leader settles it from there.
    private func followReports() async {
        var since = Date().addingTimeInterval(-Self.reportOverlap)
        while !Task.isCancelled {
            let asked = Date()
            if let reports = try? await store.reports(seenAfter: since) {
                await controller.observe(reports)
                since = asked.addingTimeInterval(-Self.reportOverlap)
            }
            guard (try? await Task.sleep(for: Self.reportPoll)) != nil else { return }
        }
    }

    /// Between reads of the heartbeats other replicas received, and how far back each reaches
    /// (a replica writes what it received every quarter second).
    static let reportPoll = Duration.seconds(1)
    static let reportOverlap: TimeInterval = 2

    /// Recovers `names`, `concurrentRecoveries` at a time.
    private func recoverAll(_ names: [String]) async {
        await withTaskGroup(of: Void.self) { group in
            var pending = names[...]
            for _ in 0..<Self.concurrentRecoveries {
                guard let name = pending.popFirst() else { break }
                group.addTask { await controller.recover(name) }
            }
            while await group.next() != nil {
                if let name = pending.popFirst() { group.addTask { await controller.recover(name) } }
            }
        }
    }
}
