import Synchronization
import TideModel

/// Plain-HTTP devices seen closing their connection after an answer (`Connection: close`, or
/// HTTP/1.0 without keep-alive), which `DeviceProbe` asks over one new connection each time.
/// Bounded: past `limit` endpoints it starts over, and devices are learnt again from their answers.
final class ClosingDevices: Sendable {
    static let limit = 100_000
    private let endpoints = Mutex<Set<DeviceEndpoint>>([])

    func contains(_ endpoint: DeviceEndpoint) -> Bool { endpoints.withLock { $0.contains(endpoint) } }

    func insert(_ endpoint: DeviceEndpoint) {
        endpoints.withLock { endpoints in
            if endpoints.count >= Self.limit { endpoints.removeAll() }
            endpoints.insert(endpoint)
        }
    }

    func remove(_ endpoint: DeviceEndpoint) { _ = endpoints.withLock { $0.remove(endpoint) } }
}
