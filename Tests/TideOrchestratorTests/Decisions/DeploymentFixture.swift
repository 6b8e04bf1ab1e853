import Foundation
import TideModel
@testable import TideOrchestrator

/// Deployments as values for the decision tables: steps `(name, device, state)`, no process.
enum DeploymentFixture {
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    static func make(
        _ steps: [(String, String?, StepState)], status: DeploymentStatus = .active, generation: Int64 = 3,
        installed: [String: InstalledNode] = [:], reason: String? = nil
    ) -> Deployment {
        let manifest = DeploymentManifest(
            name: "demo", steps: steps.map { ManifestStep(name: $0.0, package: "fibo", function: "fibo") })
        var deployment = Deployment(
            name: "demo", generation: generation, status: status, reason: reason, manifest: manifest, source: "", packages: [],
            pins: [], plan: nil,
            steps: steps.map { Deployment.Step(step: $0.0, device: $0.1.map { DeviceID($0) }, state: $0.2) },
            installed: Dictionary(uniqueKeysWithValues: installed.map { (DeviceID($0.key), $0.value) }), createdAt: epoch,
            updatedAt: epoch)
        deployment.statusSince = epoch
        return deployment
    }

    static func plan(_ placements: [(String, String)], kept: Set<String> = []) -> PlacementPlan {
        PlacementPlan(
            deployment: "demo",
            steps: placements.map {
                StepPlacement(step: $0.0, device: DeviceID($0.1), score: 1, breakdown: [], rejected: [], kept: kept.contains($0.0))
            },
            method: "test")
    }

    static func node(_ digest: String) -> EncodedNode { EncodedNode(body: Array(digest.utf8), digest: digest) }

    static func states(_ deployment: Deployment) -> [String: StepState] {
        Dictionary(uniqueKeysWithValues: deployment.steps.map { ($0.step, $0.state) })
    }
}
