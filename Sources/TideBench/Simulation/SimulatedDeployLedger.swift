import Foundation
import NIOHTTP1
import TideModel

/// What the simulated devices received for one deployment.
struct SimulatedDelivery: Sendable {
    /// Nodes received per device (accepted or refused).
    var nodes: [DeviceID: Int] = [:]
    var accepted = 0
    /// Why nodes were refused (first few).
    var refusals: [String] = []
    var refusalCount = 0
    var firstArrival: Date?
    var lastAcknowledged: Date?
    var downloads = 0
    var downloadedBytes = 0
    /// Blobs a device did not download because its cache (or the fleet's) had them.
    var cacheHits = 0
}

/// The simulated fleet's deploy state: what each device installed, and per deployment what
/// arrived. Kept under a lock by `SimulatedDeployAgent`.
struct SimulatedDeployLedger: Sendable {
    var deliveries: [String: SimulatedDelivery] = [:]
    /// Device -> deployment -> installed generation.
    var installed: [DeviceID: [String: Int]] = [:]

    mutating func arrived(_ deployment: String, on device: DeviceID, at time: Date) {
        deliveries[deployment, default: SimulatedDelivery()].nodes[device, default: 0] += 1
        if deliveries[deployment]?.firstArrival.map({ time < $0 }) ?? true { deliveries[deployment]?.firstArrival = time }
    }

    mutating func installed(_ deployment: String, generation: Int, on device: DeviceID, at time: Date) {
        installed[device, default: [:]][deployment] = generation
        deliveries[deployment, default: SimulatedDelivery()].accepted += 1
        if deliveries[deployment]?.lastAcknowledged.map({ time > $0 }) ?? true { deliveries[deployment]?.lastAcknowledged = time }
    }

    mutating func refused(_ deployment: String, on device: DeviceID, _ message: String) {
        deliveries[deployment, default: SimulatedDelivery()].refusalCount += 1
        if deliveries[deployment, default: SimulatedDelivery()].refusals.count < 5 {
            deliveries[deployment]?.refusals.append("\(device): \(message)")
        }
    }

    mutating func downloaded(_ deployment: String, bytes: Int) {
        deliveries[deployment, default: SimulatedDelivery()].downloads += 1
        deliveries[deployment]?.downloadedBytes += bytes
    }

    mutating func cacheHit(_ deployment: String) {
        deliveries[deployment, default: SimulatedDelivery()].cacheHits += 1
    }
}

/// Why a simulated device refused a node, with the status and code the real supervisor sends.
enum SimulatedDeployError: Error, Sendable {
    case unauthorized
    case invalidNode(String)
    case staleGeneration(String, installed: Int, offered: Int)
    case download(String, String)
    case digestMismatch(String, expected: String, actual: String)

    var status: HTTPResponseStatus {
        switch self {
        case .unauthorized: .unauthorized
        case .invalidNode, .download, .digestMismatch: .badRequest
        case .staleGeneration: .conflict
        }
    }

    var code: String {
        switch self {
        case .unauthorized: "unauthorized"
        case .invalidNode: "bad_request"
        case .staleGeneration: "conflict"
        case .download, .digestMismatch: "deploy_failed"
        }
    }

    var message: String {
        switch self {
        case .unauthorized:
            "missing or wrong bearer token; start the server with the fleet's --supervisor-token"
        case .invalidNode(let why):
            "the deployment node is not valid: \(why)"
        case .staleGeneration(let id, let installed, let offered):
            "deployment \(id) is at generation \(installed), newer than \(offered)"
        case .download(let url, let why):
            "cannot download \(url): \(why)"
        case .digestMismatch(let url, let expected, let actual):
            "\(url) has sha256 \(actual), but the node says \(expected)"
        }
    }
}
