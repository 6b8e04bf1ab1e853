import HTTPTypes
import TideModel

/// Which role each call needs: reads (and dry runs) a viewer, deployments and runs a deployer,
/// everything else (publishing, devices, tokens) an admin.
enum RoleRules {
    static func required(method: HTTPRequest.Method, path: String) -> OperatorRole {
        let path = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        if path == "/api/v1/tokens" || path.hasPrefix("/api/v1/tokens/") || path == "/api/v1/audit"
            || path == "/api/v1/join-tokens" || path.hasPrefix("/api/v1/join-tokens/")
        {
            return .admin
        }
        // A run's result files are the run's, and fetching one makes the server call a device.
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 6, parts[1...3] == ["api", "v1", "deployments"], parts[5] == "result-file" { return .deployer }
        if !changes(method: method) { return .viewer }
        if path == "/api/v1/plan" || path == "/api/v1/resolve" { return .viewer }
        if path == "/api/v1/deployments" || path.hasPrefix("/api/v1/deployments/")
            || path == "/file/manifest" || path.hasPrefix("/file/manifest/") || path.hasPrefix("/execute/")
        {
            return .deployer
        }
        return .admin
    }

    /// Whether a call with this method may change something (everything but reads).
    static func changes(method: HTTPRequest.Method) -> Bool {
        method != .get && method != .head && method != .options
    }
}
