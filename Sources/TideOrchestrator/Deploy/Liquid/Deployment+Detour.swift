import TideModel

extension Deployment {
    /// The deployment as runs see it while `moving` steps are pre-copied: each still on the device
    /// it leaves, running there with its state.
    mutating func detour(_ moving: [DeploymentController.StatefulStep]) {
        for move in moving {
            guard let index = steps.firstIndex(where: { $0.step == move.step }) else { continue }
            steps[index].device = move.from
            steps[index].state = .running
            steps[index].error = nil
        }
    }
}
