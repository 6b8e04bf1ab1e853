import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TideModel

/// Talks to supervisors about deployments: pushes and removes nodes, calls steps and reads their
/// request history. Errors say which device did what.
struct SupervisorClient: Sendable {
    static let maxAnswerBytes = 1 << 20
    static let maxDownloadBytes = 16 << 20

    let client: HTTPClient
    /// The fleet's supervisor token, which supervisors started with `--token` require on
    /// `/deploy`. Sent with deploys and removals to trusted devices only, never with calls or to
    /// URLs that devices name.
    let token: String?
    /// Fencing: true only while this replica leads. A replica that lost the lease never pushes.
    var mayPush: @Sendable () -> Bool = { true }

    /// Pushes a node; returns once the device has downloaded, checked and started it.
    func deploy(_ body: [UInt8], to endpoint: DeviceEndpoint, trusted: Bool, timeout: Duration) async throws(ProbeError) {
        try checkLeading(endpoint, "POST /deploy")
        var request = HTTPClientRequest(url: endpoint.baseURL + "/deploy")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        if trusted { authorize(&request) }
        _ = try await send(request, endpoint: endpoint, what: "POST /deploy", timeout: timeout, accept: [200, 201])
    }

    /// Removes a deployment from a device; a device that does not have it is fine.
    func remove(_ deployment: String, from endpoint: DeviceEndpoint, trusted: Bool, timeout: Duration)
        async throws(ProbeError)
    {
        try checkLeading(endpoint, "DELETE /deploy/\(deployment)")
        var request = HTTPClientRequest(url: endpoint.baseURL + "/deploy/" + deployment)
        request.method = .DELETE
        if trusted { authorize(&request) }
        _ = try await send(request, endpoint: endpoint, what: "DELETE /deploy/\(deployment)", timeout: timeout, accept: [200, 204, 404])
    }

    func checkLeading(_ endpoint: DeviceEndpoint, _ what: String) throws(ProbeError) {
        guard mayPush() else {
            throw ProbeError(.notLeading, "\(what) to \(endpoint) not sent: this replica no longer leads (another replica holds the lease)")
        }
    }

    func authorize(_ request: inout HTTPClientRequest) {
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
    }

    /// Calls a step. A Tide supervisor honours `?wait=true` and answers with the step's
    /// request-history entry; a wasmiot supervisor answers `{"resultUrl"}` at once.
    func call(
        _ endpoint: DeviceEndpoint, path: String, query: [(String, String)], body: [UInt8]?, timeout: Duration
    ) async throws(ProbeError) -> JSONValue {
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } + [URLQueryItem(name: "wait", value: "true")]
        let encodedQuery = components.percentEncodedQuery ?? "wait=true"
        var request = HTTPClientRequest(url: endpoint.baseURL + path + "?" + encodedQuery)
        request.method = .POST
        if let body {
            request.headers.add(name: "content-type", value: "application/octet-stream")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return try await json(request, endpoint: endpoint, what: "POST \(path)", timeout: timeout)
    }

    /// Reads a request-history entry by URL; nil while the device has none yet (a wasmiot
    /// supervisor adds a queued call's entry only once it ran, and answers 404 until then). A
    /// failed step's entry comes with HTTP 500 from a wasmiot supervisor and is returned as well.
    func entry(at url: String, timeout: Duration) async throws(ProbeError) -> JSONValue? {
        let endpoint = Self.endpoint(of: url)
        let what = "GET \(url)"
        let (status, body) = try await exchange(HTTPClientRequest(url: url), endpoint: endpoint, what: what, timeout: timeout, limit: Self.maxAnswerBytes)
        if status.code == 404 { return nil }
        let json = try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
        if status.code == 500, let json, json["success"] == .bool(false) { return json }
        guard status.code == 200 else {
            throw ProbeError(
                .httpStatus, "\(endpoint) answered \(what) with HTTP \(status.code): \(Self.errorMessage(body))", status: status.code)
        }
        guard let json else { throw ProbeError(.notJSON, "\(endpoint) answered \(what) with something that is not JSON") }
        return json
    }

    /// The calls of `deployment` a device served since `since`, and how many failed, from its
    /// request history (`GET /request-history?deployment=&since=`).
    func callCounts(of deployment: String, at endpoint: DeviceEndpoint, since: Date, timeout: Duration)
        async throws(ProbeError) -> (calls: Int, failed: Int)
    {
        var components = URLComponents()
        components.queryItems = [
            URLQueryItem(name: "deployment", value: deployment), URLQueryItem(name: "since", value: String(since.timeIntervalSince1970)),
        ]
        let url = endpoint.baseURL + "/request-history?" + (components.percentEncodedQuery ?? "")
        let answer = try await json(HTTPClientRequest(url: url), endpoint: endpoint, what: "GET /request-history", timeout: timeout)
        guard let entries = answer.arrayValue else {
            throw ProbeError(.notJSON, "\(endpoint) answered GET /request-history with something that is not a list")
        }
        // Only Tide supervisors filter and name the deployment of each entry; a wasmiot supervisor's
        // listing counts for nothing.
        let mine = entries.filter { $0["deploymentId"]?.stringValue == deployment && $0["status"]?.stringValue != "pending" }
        return (mine.count, mine.filter { $0["success"] == .bool(false) }.count)
    }

    /// Downloads an output file.
    func download(_ url: String, timeout: Duration, limit: Int = maxDownloadBytes) async throws(ProbeError) -> [UInt8] {
        try await send(
            HTTPClientRequest(url: url), endpoint: Self.endpoint(of: url), what: "GET \(url)", timeout: timeout, accept: [200],
            limit: limit)
    }

    private func json(_ request: HTTPClientRequest, endpoint: DeviceEndpoint, what: String, timeout: Duration)
        async throws(ProbeError) -> JSONValue
    {
        let bytes = try await send(request, endpoint: endpoint, what: what, timeout: timeout, accept: [200, 201, 202])
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw ProbeError(.notJSON, "\(endpoint) answered \(what) with something that is not JSON")
        }
    }

    func send(
        _ request: HTTPClientRequest, endpoint: DeviceEndpoint, what: String, timeout: Duration, accept: Set<UInt>,
        limit: Int = maxAnswerBytes
    ) async throws(ProbeError) -> [UInt8] {
        let (status, body) = try await exchange(request, endpoint: endpoint, what: what, timeout: timeout, limit: limit)
        guard accept.contains(status.code) else {
            throw ProbeError(
                .httpStatus, "\(endpoint) answered \(what) with HTTP \(status.code): \(Self.errorMessage(body))", status: status.code)
        }
        return Array(body.readableBytesView)
    }

    func exchange(
        _ request: HTTPClientRequest, endpoint: DeviceEndpoint, what: String, timeout: Duration, limit: Int
    ) async throws(ProbeError) -> (HTTPResponseStatus, ByteBuffer) {
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(timeout.inNanoseconds))
            return (response.status, try await response.body.collect(upTo: limit))
        } catch {
            throw DeviceProbe.classify(error, endpoint: endpoint, request: what, timeout: timeout)
        }
    }

    /// The message of an error answer (Tide's `{"error": {"message"}}`, wasmiot's `{"error": text}`
    /// or `{"status": "error", "result": text}`), the text of an HTML error page, or the answer's
    /// text; at most 300 characters.
    static func errorMessage(_ body: ByteBuffer) -> String {
        let bytes = Array(body.readableBytesView.prefix(16_384))
        if let json = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) {
            let wasmiot = json["status"]?.stringValue == "error" ? json["result"]?.stringValue : nil
            if let message = json["error"]?["message"]?.stringValue ?? json["error"]?.stringValue ?? json["message"]?.stringValue ?? wasmiot {
                return String(message.prefix(300))
            }
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if HTMLText.looksLikeHTML(text) { text = HTMLText.text(of: text) }
        text = String(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))
        return text.isEmpty ? "(no message)" : text
    }

    /// The host and port of a URL, for messages.
    static func endpoint(of url: String) -> DeviceEndpoint {
        let components = URLComponents(string: url)
        return DeviceEndpoint(host: components?.host ?? url, port: components?.port ?? 80)
    }
}
