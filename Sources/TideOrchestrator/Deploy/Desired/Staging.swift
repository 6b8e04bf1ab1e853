import Foundation
import TideModel

/// Pure decisions of staging a manifest as a deployment's desired state.
enum Staging {
    /// An active deployment applied again with the same manifest and package versions is kept as
    /// it is, generation included.
    static func isUnchanged(_ existing: Deployment?, _ prepared: PreparedManifest) -> Bool {
        guard let existing, existing.status == .active else { return false }
        return existing.manifest == prepared.manifest && existing.pins == prepared.pins && existing.packages == prepared.packages
    }

    /// What an update of `existing` reverts to if it fails: the generation that runs, or, over an
    /// unfinished rollout, the one that ran before it. Nothing for a deployment that never ran.
    static func previous(of existing: Deployment?) -> PreviousGeneration? {
        guard let existing else { return nil }
        if existing.rollout?.isUnderWay == true { return existing.previous }
        return existing.status == .active || existing.status == .degraded ? PreviousGeneration(existing) : nil
    }

    /// The steps of a new plan: a step that stays on the device where it runs keeps running, every
    /// other one is pending. `moved` counts the steps that leave a device they were on.
    static func steps(of plan: PlacementPlan, previous: [Deployment.Step]) -> (steps: [Deployment.Step], moved: Int) {
        // By name once, so that staging a large deployment stays linear in its steps.
        let before = Dictionary(previous.map { ($0.step, $0) }) { first, _ in first }
        let steps = plan.steps.map { placement in
            let old = before[placement.step]
            let unchanged = old?.device == placement.device && old?.state == .running
            return Deployment.Step(step: placement.step, device: placement.device, state: unchanged ? .running : .pending)
        }
        let moved = plan.steps.filter { placement in
            guard !placement.kept, let from = before[placement.step]?.device else { return false }
            return from != placement.device
        }
        return (steps, moved.count)
    }
}
