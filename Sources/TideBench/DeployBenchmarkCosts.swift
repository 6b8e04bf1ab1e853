import Foundation
import TideModel
import TideStore

/// Prices, in the benchmark process, the server-side operations a profile of `tide server` shows
/// dominating a large deploy, on the Deployment the server actually returned: encoding it as JSON
/// and saving it with `TideStore.save` (the deployment controller saves a deployment 4 times per
/// apply; the API encodes it once more for the answer), with and without the per-step lists of
/// rejected devices; and decoding every device's description once (what the planner's fleet
/// snapshot does for every placement).
struct DeployBenchmarkCosts: Encodable {
    struct Encoding: Encodable {
        var deploymentJSONBytes: Int
        var encodeMilliseconds: Double
        /// `TideStore.save(deployment, events: [])` into a fresh store (encode plus SQLite insert).
        var storeInsertMilliseconds: Double
        /// The same save again, replacing the row, as the controller's later saves of a deploy do.
        var storeReplaceMilliseconds: Double
    }

    var steps: Int
    /// Rejected devices listed across all steps of the plan.
    var rejections: Int
    var asStored: Encoding
    var withoutRejections: Encoding
    /// `RawJSON.value` of every device's description, as `Planner.snapshot` does per placement.
    var decodeAllDescriptionsMilliseconds: Double
    var descriptionsDecoded: Int

    static func measure(
        deploymentJSON: [UInt8], members: [SimulatedFleet.Member], directory: String
    ) throws(DeployBenchmarkError) -> DeployBenchmarkCosts {
        let data = Data(deploymentJSON)
        var deployment: Deployment
        do {
            deployment = try TideJSON.decoder().decode(Deployment.self, from: data)
        } catch {
            throw .undecodable("the deployment (for the cost breakdown)", TideJSON.describe(error, in: data))
        }
        let rejections = deployment.plan?.steps.reduce(0) { $0 + $1.rejected.count } ?? 0
        let asStored = try price(deployment, storeAt: directory + "/costs-as-stored.sqlite")
        if var plan = deployment.plan {
            for index in plan.steps.indices { plan.steps[index].rejected = [] }
            deployment.plan = plan
        }
        let slim = try price(deployment, storeAt: directory + "/costs-without-rejections.sqlite")

        let descriptions = members.map { RawJSON(SimulatedFleet.description(of: $0)) }
        let started = ContinuousClock.now
        var decoded = 0
        for description in descriptions where description.value["tide"] != nil { decoded += 1 }
        return DeployBenchmarkCosts(
            steps: deployment.steps.count, rejections: rejections, asStored: asStored, withoutRejections: slim,
            decodeAllDescriptionsMilliseconds: (ContinuousClock.now - started).inMilliseconds, descriptionsDecoded: decoded)
    }

    /// Encodes `deployment` once, then saves it twice into a fresh store at `path`.
    private static func price(_ deployment: Deployment, storeAt path: String) throws(DeployBenchmarkError) -> Encoding {
        do {
            let store = try TideStore(path: path)
            let started = ContinuousClock.now
            let bytes = try TideJSON.encoder().encode(deployment).count
            let encoded = ContinuousClock.now
            _ = try store.save(deployment, events: [])
            let inserted = ContinuousClock.now
            _ = try store.save(deployment, events: [])
            let replaced = ContinuousClock.now
            return Encoding(
                deploymentJSONBytes: bytes, encodeMilliseconds: (encoded - started).inMilliseconds,
                storeInsertMilliseconds: (inserted - encoded).inMilliseconds,
                storeReplaceMilliseconds: (replaced - inserted).inMilliseconds)
        } catch {
            throw .check("pricing the deployment's encoding and store writes (store at \(path)) failed: \(error)")
        }
    }
}
