import Foundation
import TideModel

/// The pure decisions of keeping a deployment true to the fleet: which steps lost their device,
/// whether a deployment needs work, what a device's report or return asks for.
enum Recovery {
    /// What the inventory says of a device a deployment uses (nil in `assess`: removed).
    struct Seen: Sendable, Equatable {
        var name: String
        var status: DeviceStatus
        var reason: String
    }

    enum Action: Equatable {
        /// Nothing lost, nothing unfinished, not degraded.
        case none
        /// A deploy interrupted by a restart: finish it (or roll it back).
        case finishDeploy
        /// Re-place the steps of `lost` devices (empty: only retry what is unfinished or degraded).
        case recover(lost: [DeviceID: String])
    }

    static func assess(_ deployment: Deployment, devices: [DeviceID: Seen]) -> Action {
        switch deployment.status {
        case .pending, .failed: return .none
        case .deploying: return .finishDeploy
        case .active, .degraded: break
        }
        var lost: [DeviceID: String] = [:]
        for device in deployment.devices {
            guard let seen = devices[device] else {
                lost[device] = "device \(device) was removed from the inventory"
                continue
            }
            if seen.status == .dead { lost[device] = "device \(seen.name) (\(device)) is dead: \(seen.reason)" }
        }
        let unfinished = deployment.steps.contains { $0.state != .running }
        guard !lost.isEmpty || unfinished || deployment.status == .degraded else { return .none }
        return .recover(lost: lost)
    }

    /// The steps of `lost` devices failed with why. A deployment not yet degraded gets a reason
    /// naming them and must turn degraded (`degrades`); an already degraded one keeps its reason
    /// until the recovery has a newer one (readers never see it flip back to this first step).
    static func markLost(_ deployment: Deployment, _ lost: [DeviceID: String]) -> (deployment: Deployment, degrades: Bool) {
        var deployment = deployment
        for index in deployment.steps.indices {
            guard let device = deployment.steps[index].device, let why = lost[device] else { continue }
            deployment.steps[index].state = .failed
            deployment.steps[index].error = why
        }
        guard deployment.status != .degraded else { return (deployment, false) }
        let affected = deployment.steps.filter { $0.state == .failed }.map(\.step)
        deployment.reason = "step(s) \(affected.joined(separator: ", ")) lost their device: \(lost.values.sorted().joined(separator: "; "))"
        return (deployment, true)
    }

    /// What to do about a device's report of a deployment it runs (from a Tide supervisor's heartbeat).
    enum Settlement: Equatable {
        case nothing
        /// Forget a node that never landed.
        case forget
        /// Delete the device's instance: it should not run this deployment.
        case removeStale
        /// Forget the node and push it again: the device lost it or runs an older one.
        case repush
    }

    /// `reported`: the generation the device runs (nil: it runs none). Within `grace` of an
    /// acknowledged push, reports are not trusted to be newer than the push.
    static func settle(
        _ deployment: Deployment, on device: DeviceID, reported: Int64?, now: Date, grace: TimeInterval
    ) -> Settlement {
        // While an update rolls out, the devices of the generation before still serve it.
        let previous = deployment.rollout?.isUnderWay == true && deployment.previous?.devices.contains(device) == true
        let wanted = deployment.devices.contains(device) || previous
        let installed = deployment.installed[device]
        if wanted, let acknowledged = installed?.acknowledgedAt, now.timeIntervalSince(acknowledged) < grace { return .nothing }
        switch (wanted, reported) {
        case (false, nil):
            return installed == nil ? .nothing : .forget
        case (false, .some):
            return .removeStale
        case (true, nil):
            guard deployment.status == .active || deployment.status == .degraded, installed != nil else { return .nothing }
            return .repush
        case (true, .some(let generation)):
            guard let installed else { return .nothing }
            if installed.digest == InstalledNode.unconfirmed, generation == deployment.generation { return .nothing }
            return generation < installed.generation ? .repush : .nothing
        }
    }

    /// What to do when a wasmiot device returns (it may have restarted and lost every node) or
    /// answers a call with 404 (it lost this one).
    static func returned(_ deployment: Deployment, device: DeviceID) -> Settlement {
        guard deployment.devices.contains(device) else { return deployment.installed[device] == nil ? .nothing : .removeStale }
        guard deployment.status == .active || deployment.status == .degraded, deployment.installed[device] != nil else {
            return .nothing
        }
        return .repush
    }

    /// The device's node forgotten and its steps pending, with an event per step and the
    /// deployment's degraded reason.
    static func markForRepush(_ deployment: Deployment, device: DeviceID, because why: String, now: Date)
        -> (deployment: Deployment, events: [NewFleetEvent])
    {
        var deployment = deployment
        deployment.installed[device] = nil
        var events: [NewFleetEvent] = []
        for index in deployment.steps.indices where deployment.steps[index].device == device {
            deployment.steps[index].state = .pending
            events.append(.about(
                deployment, .deploymentStepChanged,
                "\(deployment.name): step \(deployment.steps[index].step) is pushed to \(device) again: \(why)", device: device,
                extra: ["step": .string(deployment.steps[index].step), "state": "pending", "reason": .string(why)], at: now))
        }
        let steps = deployment.steps.filter { $0.device == device }.map(\.step).joined(separator: ", ")
        deployment.reason = "step(s) \(steps) lost their node on \(device) (\(why)); pushing it again"
        return (deployment, events)
    }
}
