import Hummingbird
import TideHTTP
import TideModel

/// `POST /api/v1/plan`: a dry run. The body is a manifest (YAML, JSON or the wasmiot form); the
/// answer is the placement with every step's score and every rejected device's reason, and the
/// pinned packages. Nothing is stored or pushed.
struct PlanRoutes {
    let planner: Planner
    let maxBodyBytes: Int

    func add(to group: RouterGroup<TideRequestContext>) {
        group.post("plan") { request, context in
            let body = try await request.bodyData(limit: maxBodyBytes)
            guard !body.isEmpty else { throw APIError.badRequest("the request body is empty; send a manifest (YAML or JSON)") }
            let fileName = try request.manifestFileName()
            // The placement stops when the client goes away; see PlacementWorkers for its other limits.
            let answer = try await context.cancellingWhenClientLeaves { cancellation in
                try await planner.plan(Array(body), fileName: fileName, cancellation: cancellation)
            }
            // A plan of many steps takes a while to encode too: on a placement thread.
            return Response.jsonBytes(try await planner.workers.run { _ in try TideJSON.encoder().encode(answer) })
        }
    }
}
