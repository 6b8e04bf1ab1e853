import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TideHTTP

/// With several replicas, deployments are read and changed (and devices drained) on the replica
/// that leads (the only one that writes them and pushes to devices). Any other replica forwards
/// such a request to the leader as it came (method, path, query, body, the caller's
/// Authorization) and answers with the leader's answer; the leader checks the token and records
/// the audit entry. With no leader for the moment (the lease is moving), the answer is 503 with
/// Retry-After.
struct LeaderForwarding: RouterMiddleware {
    typealias Context = TideRequestContext
    static let forwardedHeader = HTTPField.Name("X-Tide-Forwarded-By")!
    static let prefixes = ["/api/v1/deployments", "/file/manifest", "/execute/"]
    static let forwardedHeaders: [HTTPField.Name] = [.authorization, .contentType, .accept]

    let cluster: ClusterState
    let client: HTTPClient
    let maxBodyBytes: Int
    let maxAnswerBytes: Int
    let timeout: Duration

    static func matches(_ path: String) -> Bool {
        // A drain moves deployments: the leader does it.
        if path.hasPrefix("/api/v1/devices/"), path.hasSuffix("/drain") { return true }
        return prefixes.contains { path == $0 || path.hasPrefix($0 + "/") || ($0.hasSuffix("/") && path.hasPrefix($0)) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard cluster.shared, Self.matches(request.uri.path), !cluster.mayLead() else {
            return try await next(request, context)
        }
        let snapshot = cluster.snapshot
        guard request.headers[Self.forwardedHeader] == nil,
            let leader = snapshot.leader, leader != cluster.replica,
            let url = snapshot.live.first(where: { $0.id == leader })?.url, !url.isEmpty
        else {
            var error = APIError(
                .serviceUnavailable, code: "no_leader",
                "no replica leads right now (the lease moves to a live replica within a few seconds); retry")
            error.headers[.retryAfter] = "1"
            throw error
        }
        return try await forward(request, to: url)
    }

    private func forward(_ request: Request, to leaderURL: String) async throws -> Response {
        var outgoing = HTTPClientRequest(url: leaderURL + request.uri.description)
        outgoing.method = .init(rawValue: request.method.rawValue)
        for name in Self.forwardedHeaders {
            if let value = request.headers[name] { outgoing.headers.add(name: name.rawName, value: value) }
        }
        outgoing.headers.add(name: Self.forwardedHeader.rawName, value: cluster.replica.description)
        let body = try await request.body.collect(upTo: maxBodyBytes)
        if body.readableBytes > 0 { outgoing.body = .bytes(body) }
        let answer: HTTPClientResponse
        do {
            answer = try await client.execute(outgoing, timeout: .nanoseconds(timeout.inNanoseconds))
        } catch {
            throw APIError(
                .badGateway, code: "leader_unreachable",
                "this replica forwards deployments to the leader at \(leaderURL), which did not answer: \(error)")
        }
        let bytes = try await answer.body.collect(upTo: maxAnswerBytes)
        var headers = HTTPFields()
        for (name, value) in answer.headers where ["content-type", "retry-after", "etag"].contains(name.lowercased()) {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: .init(byteBuffer: bytes))
    }
}
