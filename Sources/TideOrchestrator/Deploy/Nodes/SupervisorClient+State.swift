import AsyncHTTPClient
import Foundation
import NIOCore
import TideModel

/// A step's state on a Tide supervisor (`/deploy/<deployment>/modules/<step>/state`): the
/// snapshot of its instance, taken between calls, and its restore into another instance.
extension SupervisorClient {
    /// The snapshot file of `step`'s instance; at most `limit` bytes.
    func snapshot(
        of step: String, in deployment: String, at endpoint: DeviceEndpoint, trusted: Bool, timeout: Duration, limit: Int
    ) async throws(ProbeError) -> [UInt8] {
        let what = "GET /deploy/\(deployment)/modules/\(step)/state"
        try checkLeading(endpoint, what)
        var request = HTTPClientRequest(url: endpoint.baseURL + Self.statePath(step, deployment))
        if trusted { authorize(&request) }
        return try await send(request, endpoint: endpoint, what: what, timeout: timeout, accept: [200], limit: limit)
    }

    /// Restores a snapshot into `step`'s running instance.
    func restore(
        _ snapshot: [UInt8], of step: String, in deployment: String, at endpoint: DeviceEndpoint, trusted: Bool, timeout: Duration
    ) async throws(ProbeError) {
        let what = "PUT /deploy/\(deployment)/modules/\(step)/state"
        try checkLeading(endpoint, what)
        var request = HTTPClientRequest(url: endpoint.baseURL + Self.statePath(step, deployment))
        request.method = .PUT
        request.headers.add(name: "content-type", value: "application/vnd.tide.snapshot")
        request.body = .bytes(ByteBuffer(bytes: snapshot))
        if trusted { authorize(&request) }
        _ = try await send(request, endpoint: endpoint, what: what, timeout: timeout, accept: [200])
    }

    private static func statePath(_ step: String, _ deployment: String) -> String {
        "/deploy/\(deployment)/modules/\(step)/state"
    }
}
