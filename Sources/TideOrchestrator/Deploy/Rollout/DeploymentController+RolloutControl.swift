import Foundation
import TideModel

/// `tide deploy pause|resume|abort`: the operator's hand on a rollout under way. A running
/// rollout takes a pause or an abort at its next stage (an abort also during a stage's health
/// wait); a paused one resumes or reverts at once.
extension DeploymentController {
    func pauseRollout(_ name: String) throws(DeploymentError) -> Deployment {
        let deployment = try rolloutUnderWay(name, to: "pause")
        if deployment.rollout?.state == .rolling { rolloutRequests[name] = .pause }
        return deployment
    }

    func resumeRollout(_ name: String) async throws(DeploymentError) -> Deployment {
        var deployment = try rolloutUnderWay(name, to: "resume")
        rolloutRequests[name] = nil
        guard deployment.rollout?.state == .paused else { return deployment }
        deployment.rollout?.state = .rolling
        deployment.rollout?.message = nil
        try await save(deployment, events: [rolloutEvent(deployment, "the rollout of generation \(deployment.generation) resumes")])
        Task { _ = try? await queue.run(name) { await self.deploy(name) } }
        return deployment
    }

    func abortRollout(_ name: String) throws(DeploymentError) -> Deployment {
        let deployment = try rolloutUnderWay(name, to: "abort")
        guard deployment.rollout?.state == .paused else {
            rolloutRequests[name] = .abort
            return deployment
        }
        rolloutRequests[name] = nil
        Task { _ = try? await queue.run(name) { await self.revertPaused(name) } }
        return deployment
    }

    private func revertPaused(_ name: String) async {
        guard var deployment = deployments[name], deployment.rollout?.state == .paused else { return }
        _ = await revert(&deployment, reason: "the operator aborted the rollout")
    }

    private func rolloutUnderWay(_ name: String, to verb: String) throws(DeploymentError) -> Deployment {
        guard let deployment = deployments[name] else { throw .notFound(name) }
        guard let rollout = deployment.rollout, rollout.isUnderWay else {
            let last = deployment.rollout.map { "; its last rollout (generation \($0.to)) is \($0.state.rawValue)" } ?? ""
            throw .noRollout(
                "deployment \(name) has no rollout under way to \(verb)\(last); an update rolls out in stages when its manifest has an update block")
        }
        return deployment
    }
}
