import TideModel
import TidePackageFormat

/// The result labels of one generation of a deployment, by step name: what a run's values mean.
struct RunLabels: Sendable {
    var generation: Int64
    var byStep: [String: ResultLabels]
}

extension DeploymentController {
    /// The labels of the deployment's steps whose functions name their results, read from the
    /// package store once per generation. A labels file that cannot be read is logged and its step's
    /// values go unlabelled: a run does not fail for want of a name.
    func labels(of deployment: Deployment) async -> [String: ResultLabels] {
        if let cached = runLabels[deployment.name], cached.generation == deployment.generation { return cached.byStep }
        var byStep: [String: ResultLabels] = [:]
        for step in deployment.manifest.steps {
            guard let version = deployment.pins.first(where: { $0.step == step.name })?.version else { continue }
            do {
                byStep[step.name] = try await planner.registry.resultLabels(step.package, version, function: step.function)
            } catch {
                logger.warning("\(deployment.name): the values of step \(step.name) go unlabelled: \(error.message)")
            }
        }
        // Only deployments that still exist keep an entry.
        runLabels = runLabels.filter { deployments[$0.key] != nil }
        if deployments[deployment.name]?.generation == deployment.generation {
            runLabels[deployment.name] = RunLabels(generation: deployment.generation, byStep: byStep)
        }
        return byStep
    }
}
