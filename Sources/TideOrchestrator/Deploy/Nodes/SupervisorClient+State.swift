import AsyncHTTPClient
import Foundation
import NIOCore
import TideModel

/// A step's state on a Tide supervisor (`/deploy/<deployment>/modules/<step>/state`): the
/// snapshot of its instance, taken between calls, and its restore into another instance.
extension SupervisorClient {
    /// How a snapshot is taken: whole, whole and kept on the device as the base of a delta, or
    /// as the changes since such a base (its file's `sha256:` digest).
    enum SnapshotKind: Sendable, Equatable {
        case whole
        case precopy
        case delta(since: String)

        var query: String {
            switch self {
            case .whole: ""
            case .precopy: "?precopy=true"
            case .delta(let base): "?base=" + base
            }
        }
    }

    /// The snapshot file of `step`'s instance; at most `limit` bytes.
    func snapshot(
        of step: String, in deployment: String, at endpoint: DeviceEndpoint, trusted: Bool, timeout: Duration, limit: Int,
        kind: SnapshotKind = .whole
    ) async throws(ProbeError) -> [UInt8] {
        let what = "GET /deploy/\(deployment)/modules/\(step)/state\(kind.query)"
        try checkLeading(endpoint, what)
        var request = HTTPClientRequest(url: endpoint.baseURL + Self.statePath(step, deployment) + kind.query)
        if trusted { authorize(&request) }
        return try await send(request, endpoint: endpoint, what: what, timeout: timeout, accept: [200], limit: limit)
    }

    /// Restores a snapshot (whole, or a delta on one staged there) into `step`'s running
    /// instance; with `stage`, stages a whole one for a delta to come. A missing base is HTTP 409.
    func restore(
        _ snapshot: [UInt8], of step: String, in deployment: String, at endpoint: DeviceEndpoint, trusted: Bool, timeout: Duration,
        stage: Bool = false
    ) async throws(ProbeError) {
        let query = stage ? "?stage=true" : ""
        let what = "PUT /deploy/\(deployment)/modules/\(step)/state\(query)"
        try checkLeading(endpoint, what)
        var request = HTTPClientRequest(url: endpoint.baseURL + Self.statePath(step, deployment) + query)
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
