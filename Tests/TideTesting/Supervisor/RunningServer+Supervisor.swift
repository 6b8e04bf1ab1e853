import NIOHTTP1

extension RunningServer {
    func deploy(_ node: NodeFixture, token: String? = nil) async throws -> HTTPResult {
        var headers = [("content-type", "application/json")]
        if let token { headers.append(("authorization", "Bearer \(token)")) }
        return try await http(.POST, base + "/deploy", body: try node.bytes(), headers: headers)
    }

    /// Calls synchronously (`?wait=true`) and returns the history entry.
    func call(
        _ deployment: String, _ module: String, _ function: String, query: String = "", body: [UInt8]? = nil,
        contentType: String? = nil
    ) async throws -> HTTPResult {
        let separator = query.isEmpty ? "" : "&"
        var headers: [(String, String)] = []
        if let contentType { headers.append(("content-type", contentType)) }
        return try await http(
            body == nil ? .GET : .POST, "\(base)/\(deployment)/modules/\(module)/\(function)?wait=true\(separator)\(query)",
            body: body, headers: headers)
    }
}
