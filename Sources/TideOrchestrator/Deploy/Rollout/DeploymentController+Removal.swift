import Foundation
import TideModel

/// Removing a deployment, or its node from some devices.
extension DeploymentController {
    /// Removes the deployment from every device and from the store.
    func remove(_ name: String) async throws -> DeploymentRemoval {
        try await queue.run(name) { try await self.removeNow(name) }
    }

    func removeNow(_ name: String) async throws(DeploymentError) -> DeploymentRemoval {
        guard let deployment = deployments[name] else { throw .notFound(name) }
        let devices = Array(Set(deployment.installed.keys).union(deployment.devices)).sorted()
        let (cleaned, unreachable) = await removeNodes(name, from: devices)
        let message = unreachable.isEmpty
            ? "deployment \(name) removed from \(cleaned.count) device(s)"
            : "deployment \(name) removed; \(unreachable.count) device(s) were unreachable and are cleaned when they report it"
        let stored: FleetEvent?
        do {
            stored = try await cluster.deleteDeployment(
                name, in: store,
                event: NewFleetEvent(
                    time: Date(), kind: .deploymentRemoved, device: nil, message: message,
                    details: ["deployment": .string(name), "generation": .number(JSONNumber(deployment.generation))]))
        } catch {
            throw .internalFailure(error.description)
        }
        deployments[name] = nil
        announce(stored.map { [$0] } ?? [])
        return DeploymentRemoval(name: name, cleaned: cleaned, unreachable: unreachable)
    }

    /// The alive ones of `devices`. Removals go only to them, so that a hung device (which answers
    /// nothing until the removal times out) never holds up a re-placement; the others are
    /// cleaned when they report in or return.
    func reachable(_ devices: [DeviceID]) async -> [DeviceID] {
        var result: [DeviceID] = []
        for device in devices where await inventory.device(device)?.status == .alive { result.append(device) }
        return result
    }

    /// `DELETE /deploy/<name>` on each device, concurrently.
    func removeNodes(_ name: String, from devices: [DeviceID]) async -> (cleaned: [DeviceID], unreachable: [DeviceID: String]) {
        let (addresses, trusted, missing) = await endpoints(of: devices)
        var unreachable = Dictionary(missing.map { ($0, "not in the inventory") }) { first, _ in first }
        let supervisors = self.supervisors
        let timeout = min(deployTimeout, .seconds(5))
        let outcomes = await withTaskGroup(of: (DeviceID, ProbeError?).self) { group in
            for (device, endpoint) in addresses {
                let isTrusted = trusted.contains(device)
                group.addTask {
                    do throws(ProbeError) {
                        try await supervisors.remove(name, from: endpoint, trusted: isTrusted, timeout: timeout)
                        return (device, nil)
                    } catch {
                        return (device, error)
                    }
                }
            }
            var outcomes: [(DeviceID, ProbeError?)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        var cleaned: [DeviceID] = []
        for (device, error) in outcomes {
            if let error { unreachable[device] = error.message } else { cleaned.append(device) }
        }
        return (cleaned.sorted(), unreachable)
    }

    func removeNode(_ name: String, from device: DeviceID) async -> Bool {
        let (cleaned, _) = await removeNodes(name, from: [device])
        return !cleaned.isEmpty
    }
}
