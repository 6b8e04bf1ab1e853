import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import TideClient
import TideModel
import TideOrchestrator
import TideStore

/// A real `OrchestratorServer` on an ephemeral port over a fresh data directory.
final class TestServer: Sendable {
    let port: Int
    let dataDirectory: String
    let token: String?
    /// The fleet's supervisor token, which heartbeats carry.
    let fleetToken: String
    /// "https" unless the server runs with `.insecureHTTP` (the default here).
    let scheme: String
    private let running: RunningServer

    var baseURL: String { "\(scheme)://127.0.0.1:\(port)" }
    var client: TideClient { TideClient(baseURL: baseURL, token: token) }

    private init(port: Int, dataDirectory: String, token: String?, fleetToken: String, scheme: String, running: RunningServer) {
        self.scheme = scheme
        self.port = port
        self.dataDirectory = dataDirectory
        self.token = token
        self.fleetToken = fleetToken
        self.running = running
    }

    static func start(
        requireAuth: Bool = true, probeInterval: Duration = .zero, probeTimeout: Duration = .milliseconds(500),
        quickRecheck: Duration = .milliseconds(150), heartbeatTimeout: Duration = .milliseconds(1500),
        suspectAfter: Int = 1, deadAfter: Int = 3, maxBodyBytes: Int = 1 << 20, registrationTimeout: Duration = .seconds(5),
        bundledRegistry: String? = nil, mdnsServiceType: String? = nil,
        dataDirectory: String? = nil, supervisorToken: String? = nil, deployTimeout: Duration = .seconds(30),
        reconcileInterval: Duration = .seconds(5), rebalanceGain: Double? = nil, maxManifestSteps: Int = 10_000,
        planTimeLimit: Duration = .seconds(30), maxConcurrentPlans: Int = 2, maxWaitingPlans: Int = 8,
        allowUnverifiedDevices: Bool = false, trustedKeyFiles: [String] = [], requireSignedPrefixes: [String] = [],
        transport: ServerTransport = .insecureHTTP, deviceCertificateValidity: TimeInterval = 90 * 86_400,
        plainHTTPDevices: Bool = false, plainHTTPPort: Int? = nil, port: Int = 0, maxRunInputBytes: Int = 8 << 20,
        metricsOpen: Bool = false
    ) async throws -> TestServer {
        let directory = dataDirectory ?? TemporaryDirectory.make()
        var configuration = ServerConfiguration(
            dataDirectory: directory, host: "127.0.0.1", port: port, requireAuth: requireAuth,
            probeInterval: probeInterval, probeTimeout: probeTimeout, quickRecheck: quickRecheck,
            heartbeatTimeout: heartbeatTimeout,
            healthPolicy: try HealthPolicy(suspectAfter: suspectAfter, deadAfter: deadAfter),
            registrationTimeout: registrationTimeout, maxBodyBytes: maxBodyBytes, bundledRegistry: bundledRegistry,
            mdnsServiceType: mdnsServiceType, supervisorToken: supervisorToken, deployTimeout: deployTimeout,
            reconcileInterval: reconcileInterval, rebalanceGain: rebalanceGain, maxManifestSteps: maxManifestSteps,
            planTimeLimit: planTimeLimit, maxConcurrentPlans: maxConcurrentPlans, maxWaitingPlans: maxWaitingPlans,
            allowUnverifiedDevices: allowUnverifiedDevices, trustedKeyFiles: trustedKeyFiles,
            requireSignedPrefixes: requireSignedPrefixes, transport: transport)
        configuration.deviceCertificateValidity = deviceCertificateValidity
        configuration.plainHTTPDevices = plainHTTPDevices
        configuration.plainHTTPPort = plainHTTPPort
        configuration.maxRunInputBytes = maxRunInputBytes
        configuration.metricsOpen = metricsOpen
        let running = try await startServer { [configuration] onRunning in
            try await OrchestratorServer(configuration: configuration, logger: quietLogger).run(handleSignals: false, onRunning: onRunning)
        }
        let port = running.port
        let token = requireAuth ? try OperatorToken.read(at: configuration.tokenPath) : nil
        guard let fleetToken = try supervisorToken ?? OperatorToken.read(at: configuration.supervisorTokenPath, what: "supervisor token") else {
            throw HarnessError("the server wrote no supervisor token")
        }
        return TestServer(
            port: port, dataDirectory: directory, token: token, fleetToken: fleetToken, scheme: transport.scheme, running: running)
    }

    /// Idempotent: the test scope stops it again at the end of the test.
    func stop() async { await running.stop() }

    /// A second handle on the server's database, to check what was (not) written.
    func store() throws -> TideStore { try TideStore(path: dataDirectory + "/tide.sqlite") }

    /// A raw request, for status codes, headers and error bodies.
    func request(
        _ method: HTTPMethod, _ path: String, body: String? = nil, bytes: [UInt8]? = nil, contentType: String = "application/json",
        token: String?? = .none, headers: [(String, String)] = []
    ) async throws -> (status: Int, body: String, bodyBytes: [UInt8], headers: HTTPHeaders) {
        var all = headers
        if let bearer = token ?? self.token { all.insert(("Authorization", "Bearer \(bearer)"), at: 0) }
        let payload = bytes ?? body.map { Array($0.utf8) }
        if payload != nil { all.append(("Content-Type", contentType)) }
        let result = try await http(method, baseURL + path, body: payload, headers: all, timeout: .seconds(10))
        return (result.status, result.text, result.body, result.headers)
    }
}
