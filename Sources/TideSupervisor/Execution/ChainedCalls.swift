import Foundation

/// The chained calls in flight (a step's output on its way to the next step), so that a new node
/// that moves the next step elsewhere, or a removal, ends the calls to the old next hop at once
/// instead of after `--chain-timeout`: the orchestrator re-pushes a feeding node when the device
/// of the next step failed.
actor ChainedCalls {
    private struct InFlight {
        var deploymentId: String
        var module: String
        var function: String
        /// The next step's address the call went to.
        var target: String
        var cancel: @Sendable () -> Void
    }

    private var inFlight: [UUID: InFlight] = [:]
    /// Why a call was ended, for its history entry.
    private var ended: [UUID: String] = [:]

    /// Registers a chained call; `cancel` ends it.
    func begin(
        _ id: UUID, deploymentId: String, module: String, function: String, target: String,
        cancel: @escaping @Sendable () -> Void
    ) {
        inFlight[id] = InFlight(deploymentId: deploymentId, module: module, function: function, target: target, cancel: cancel)
    }

    /// Unregisters a call; returns why it was ended early, if it was.
    func end(_ id: UUID) -> String? {
        inFlight[id] = nil
        return ended.removeValue(forKey: id)
    }

    /// A new node of a deployment was installed: ends the calls whose step now hands its output
    /// to another address (or to none).
    func installed(_ plan: DeploymentPlan) {
        for (id, call) in inFlight where call.deploymentId == plan.id {
            let next = plan.instruction(module: call.module, function: call.function)?.to?.address
            guard let reason = Self.redirection(from: call.target, to: next, generation: plan.generation) else { continue }
            stop(id, because: reason)
        }
    }

    /// A deployment was removed: ends its calls.
    func removed(_ deploymentId: String) {
        for (id, call) in inFlight where call.deploymentId == deploymentId {
            stop(id, because: "the orchestrator removed deployment \(deploymentId) from this device")
        }
    }

    private func stop(_ id: UUID, because reason: String) {
        guard let call = inFlight.removeValue(forKey: id) else { return }
        ended[id] = reason
        call.cancel()
    }

    /// Why a call to `old` must end when the step's next hop is now `new` (nil: it still goes there).
    static func redirection(from old: String, to new: String?, generation: Int) -> String? {
        guard let new else {
            return "the orchestrator's node generation \(generation) no longer hands this step's output on"
        }
        guard new != old else { return nil }
        return "the orchestrator moved the next step (node generation \(generation) sends it to \(new))"
    }
}
