import Hummingbird
import TideModel

/// `POST /api/v1/plan`: a dry run. The body is a manifest (YAML, JSON or the wasmiot form); the
/// answer is the placement with every step's score and every rejected device's reason, and the
/// pinned packages. Nothing is stored or pushed.
struct PlanRoutes {
    let planner: Planner
    let maxBodyBytes: Int

    func add(to group: RouterGroup<TideRequestContext>) {
        group.post("plan") { request, _ in
            let body = try await request.bodyData(limit: maxBodyBytes)
            guard !body.isEmpty else { throw APIError.badRequest("the request body is empty; send a manifest (YAML or JSON)") }
            return try Response.json(try await planner.plan(Array(body), fileName: try request.manifestFileName()))
        }
    }
}
