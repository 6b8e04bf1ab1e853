import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import TideModel
import TidePackageFormat
import TideSupervisor

/// Takes `POST /deploy` for every device of a simulated fleet as a Tide supervisor would, without
/// running any Wasm: checks the token, decodes the node with the supervisor's own `DeploymentNode`,
/// downloads every module binary and deployment file from its URL, verifies each SHA-256 when the
/// node gives one, refuses an older generation, and records what each device received.
final class SimulatedDeployAgent: Sendable {
    /// Which downloads are skipped because the blob was fetched before.
    enum BlobCache: String, Sendable, CaseIterable {
        /// Every node downloads all its blobs (a cold deploy on every device, every time).
        case none
        /// Each device keeps the blobs it fetched, by digest, as a Tide supervisor does.
        case device
        /// One cache for the whole simulated fleet: one download per digest in this process.
        case process
    }

    let token: String?
    let cache: BlobCache
    private let client: HTTPClient
    private let ledger = NIOLockedValueBox(SimulatedDeployLedger())
    private let blobs = NIOLockedValueBox<[String: Task<Result<Int, SimulatedDeployError>, Never>]>([:])

    init(token: String?, cache: BlobCache, client: HTTPClient) {
        self.token = token
        self.cache = cache
        self.client = client
    }

    /// Installs one node on `device` and answers as the supervisor does.
    func deploy(_ body: [UInt8], on device: DeviceID, authorization: String?) async -> SimulatedAnswer {
        let arrival = Date()
        var deploymentID = ""
        do throws(SimulatedDeployError) {
            try authorize(authorization)
            let node = try Self.decode(body)
            deploymentID = node.deploymentId
            ledger.withLockedValue { $0.arrived(node.deploymentId, on: device, at: arrival) }
            let generation = node.generation ?? 0
            if let installed = ledger.withLockedValue({ $0.installed[device]?[node.deploymentId] }), installed > generation {
                throw .staleGeneration(node.deploymentId, installed: installed, offered: generation)
            }
            for module in node.modules {
                try await fetch(module.urls.binary, digest: module.sha256?.binary, for: device, deployment: node.deploymentId)
                for (mount, url) in (module.urls.other ?? [:]).sorted(by: { $0.key < $1.key }) {
                    try await fetch(url, digest: module.sha256?.other[mount], for: device, deployment: node.deploymentId)
                }
            }
            ledger.withLockedValue { $0.installed(node.deploymentId, generation: generation, on: device, at: Date()) }
            return SimulatedAnswer(value: [
                "status": "deployed", "deploymentId": .string(node.deploymentId), "generation": .number(JSONNumber(generation)),
            ])
        } catch {
            let message = error.message
            ledger.withLockedValue { $0.refused(deploymentID, on: device, message) }
            return SimulatedAnswer.error(error.status, error.code, message)
        }
    }

    /// `DELETE /deploy/<id>`: 200 when the device had it, 404 otherwise (the orchestrator accepts both).
    func remove(_ id: String, on device: DeviceID, authorization: String?) -> SimulatedAnswer {
        do throws(SimulatedDeployError) {
            try authorize(authorization)
        } catch {
            return SimulatedAnswer.error(error.status, error.code, error.message)
        }
        let removed = ledger.withLockedValue { $0.installed[device]?.removeValue(forKey: id) != nil }
        guard removed else { return SimulatedAnswer.error(.notFound, "not_found", "no deployment \(id) on this device") }
        return SimulatedAnswer(value: ["status": "removed", "deploymentId": .string(id), "generation": 0])
    }

    /// What the devices received for `deployment`, forgotten afterwards.
    func takeDelivery(of deployment: String) -> SimulatedDelivery {
        ledger.withLockedValue { $0.deliveries.removeValue(forKey: deployment) ?? SimulatedDelivery() }
    }

    /// Devices that hold a deployment now.
    func installedCount(of deployment: String) -> Int {
        ledger.withLockedValue { ledger in ledger.installed.values.filter { $0[deployment] != nil }.count }
    }

    /// The deployments `device` holds now, by generation (what its heartbeats report).
    func installed(on device: DeviceID) -> [String: Int] {
        ledger.withLockedValue { $0.installed[device] ?? [:] }
    }

    /// Devices that hold `deployment` now.
    func holders(of deployment: String) -> Set<DeviceID> {
        ledger.withLockedValue { ledger in Set(ledger.installed.filter { $0.value[deployment] != nil }.keys) }
    }

    private func authorize(_ authorization: String?) throws(SimulatedDeployError) {
        guard let token else { return }
        guard authorization == "Bearer \(token)" else { throw .unauthorized }
    }

    private static func decode(_ body: [UInt8]) throws(SimulatedDeployError) -> DeploymentNode {
        let data = Data(body)
        do {
            return try TideJSON.decoder().decode(DeploymentNode.self, from: data)
        } catch {
            throw .invalidNode(TideJSON.describe(error, in: data))
        }
    }

    /// Downloads one blob for `device` unless the cache mode says it is already there.
    private func fetch(_ url: String, digest: String?, for device: DeviceID, deployment: String) async throws(SimulatedDeployError) {
        let key: String? =
            switch cache {
            case .none: nil
            case .device: digest.map { device.rawValue + "/" + $0 }
            case .process: digest
            }
        guard let key else {
            let bytes = try await download(url, digest: digest).get()
            ledger.withLockedValue { $0.downloaded(deployment, bytes: bytes) }
            return
        }
        let (task, hit) = blobs.withLockedValue { tasks in
            if let running = tasks[key] { return (running, true) }
            let task = Task { await self.download(url, digest: digest) }
            tasks[key] = task
            return (task, false)
        }
        switch await task.value {
        case .success(let bytes):
            ledger.withLockedValue { hit ? $0.cacheHit(deployment) : $0.downloaded(deployment, bytes: bytes) }
        case .failure(let error):
            blobs.withLockedValue { _ = $0.removeValue(forKey: key) }
            throw error
        }
    }

    /// GETs a blob and checks its digest; the size on success.
    private func download(_ url: String, digest: String?) async -> Result<Int, SimulatedDeployError> {
        let body: ByteBuffer
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
            guard response.status == .ok else {
                return .failure(.download(url, "HTTP \(response.status.code)"))
            }
            body = try await response.body.collect(upTo: 64 << 20)
        } catch {
            return .failure(.download(url, String(describing: error)))
        }
        if let digest {
            guard let expected = BlobDigest(digest.lowercased()) else { return .failure(.invalidNode("sha256 \"\(digest)\" of \(url) is not 64 hex digits")) }
            let actual = BlobDigest(of: body.readableBytesView)
            guard actual == expected else { return .failure(.digestMismatch(url, expected: expected.hex, actual: actual.hex)) }
        }
        return .success(body.readableBytes)
    }
}
