import HTTPTypes
import Testing
import TideModel
@testable import TideOrchestrator
@testable import TideTesting

/// Which role each route needs, for every route the OpenAPI file lists.
@Suite("Role rules", .stopsWhatItStarts)
struct RoleRulesTests {
    @Test("reads and dry runs need a viewer, deployments and runs a deployer, the rest an admin")
    func rules() {
        let cases: [(HTTPRequest.Method, String, OperatorRole)] = [
            (.get, "/api/v1/devices", .viewer), (.get, "/api/v1/events", .viewer), (.get, "/file/manifest", .viewer),
            (.get, "/metrics", .viewer),
            (.get, "/api/v1/packages/fibo/1.1.0/files/wasm", .viewer), (.post, "/api/v1/plan", .viewer),
            (.post, "/api/v1/resolve", .viewer), (.post, "/api/v1/deployments", .deployer),
            (.delete, "/api/v1/deployments/fibo", .deployer), (.post, "/api/v1/deployments/fibo/run", .deployer),
            (.get, "/api/v1/deployments/fibo/result-file", .deployer), (.get, "/api/v1/deployments/result-file", .viewer),
            (.post, "/file/manifest", .deployer), (.post, "/file/manifest/fibo", .deployer),
            (.delete, "/file/manifest/fibo", .deployer), (.post, "/execute/fibo", .deployer),
            (.post, "/api/v1/packages", .admin), (.post, "/api/v1/packages/fibo/1.1.0/yank", .admin),
            (.delete, "/api/v1/packages/fibo/1.1.0/yank", .admin), (.post, "/api/v1/devices", .admin),
            (.patch, "/api/v1/devices/dev-1", .admin), (.delete, "/api/v1/devices/dev-1", .admin),
            (.post, "/api/v1/devices/dev-1/approve", .admin), (.get, "/api/v1/tokens", .admin),
            (.post, "/api/v1/tokens", .admin), (.delete, "/api/v1/tokens/tok-1", .admin), (.get, "/api/v1/audit", .admin),
            (.get, "/api/v1/join-tokens", .admin), (.post, "/api/v1/join-tokens", .admin),
            (.delete, "/api/v1/join-tokens/abc", .admin),
            // A path that only looks like a deployment route is not one.
            (.post, "/api/v1/deploymentsx", .admin), (.post, "/api/v1/deployments/", .deployer),
        ]
        for (method, path, role) in cases {
            #expect(RoleRules.required(method: method, path: path) == role, "\(method) \(path)")
        }
    }

    @Test("every route in docs/openapi.yaml that needs the operator token has a rule, and writes are never viewer-only")
    func everyDocumentedRoute() throws {
        let text = try String(contentsOfFile: Repository.root + "/docs/openapi.yaml", encoding: .utf8)
        var path: String?
        var checked = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
                continue
            }
            guard let current = path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") else { continue }
            let word = line.trimmingCharacters(in: .whitespaces).dropLast()
            guard let method = HTTPRequest.Method(String(word).uppercased()), ["get", "post", "patch", "delete", "put"].contains(word)
            else { continue }
            let concrete = current.replacingOccurrences(of: "{id}", with: "x").replacingOccurrences(of: "{name}", with: "x")
                .replacingOccurrences(of: "{version}", with: "1.0.0").replacingOccurrences(of: "{file}", with: "wasm")
            let role = RoleRules.required(method: method, path: concrete)
            if RoleRules.changes(method: method), !["/api/v1/plan", "/api/v1/resolve"].contains(current) {
                #expect(role > .viewer, "\(method) \(current) is a write a viewer could make")
            }
            checked += 1
        }
        #expect(checked > 30)
    }
}
