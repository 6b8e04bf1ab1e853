import Foundation
import Hummingbird
import TideHTTP
import TideModel

/// `/api/v1/tokens`: operator tokens and their roles, and `/api/v1/audit`: what they changed
/// (admin only, see `RoleRules`).
struct TokenRoutes {
    let tokens: OperatorTokens
    let maxBodyBytes: Int

    func add(to group: RouterGroup<TideRequestContext>) {
        group.get("tokens") { _, _ in try Response.json(TokenList(tokens: tokens.list())) }
        group.post("tokens") { request, context in
            let body = try await request.decodeJSON(CreateTokenRequest.self, limit: maxBodyBytes)
            return try Response.json(await tokens.create(name: body.name, role: body.role, by: context.caller), status: .created)
        }
        group.get("audit") { request, _ in
            var after: Int64?
            if let text = request.query("after") {
                guard let value = Int64(text), value >= 0 else {
                    throw APIError.badRequest("after must be an audit entry id (a whole number >= 0), not \"\(text)\"")
                }
                after = value
            }
            var limit = 100
            if let text = request.query("limit") {
                guard let value = Int(text), (1...1000).contains(value) else {
                    throw APIError.badRequest("limit must be a whole number from 1 to 1000, not \"\(text)\"")
                }
                limit = value
            }
            return try Response.json(await tokens.auditPage(after: after, limit: limit))
        }
        group.delete("tokens/{id}") { _, context in
            try await tokens.revoke(try context.parameters.require("id"), by: context.caller)
            return Response(status: .noContent)
        }
    }
}
