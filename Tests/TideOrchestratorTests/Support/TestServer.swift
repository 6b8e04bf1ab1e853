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
    private let task: Task<Void, any Error>

    var baseURL: String { "\(scheme)://127.0.0.1:\(port)" }
    var client: TideClient { TideClient(baseURL: baseURL, token: token) }

    private init(port: Int, dataDirectory: String, token: String?, fleetToken: String, scheme: String, task: Task<Void, any Error>) {
        self.scheme = scheme
        self.port = port
        self.dataDirectory = dataDirectory
        self.token = token
        self.fleetToken = fleetToken
        self.task = task
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
        plainHTTPDevices: Bool = false, plainHTTPPort: Int? = nil, port: Int = 0
    ) async throws -> TestServer {
        let directory = dataDirectory ?? TemporaryDirectory.make()
        var logger = Logger(label: "test.server")
        logger.logLevel = .critical
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
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { [configuration] in
            defer { continuation.finish() }
            try await OrchestratorServer(configuration: configuration, logger: logger)
                .run(handleSignals: false) { port in continuation.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            _ = try await task.value
            throw TestServerError(message: "the server stopped before listening")
        }
        let token = requireAuth ? try OperatorToken.read(at: configuration.tokenPath) : nil
        guard let fleetToken = try supervisorToken ?? OperatorToken.read(at: configuration.supervisorTokenPath, what: "supervisor token") else {
            throw TestServerError(message: "the server wrote no supervisor token")
        }
        return TestServer(
            port: port, dataDirectory: directory, token: token, fleetToken: fleetToken, scheme: transport.scheme, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// A second handle on the server's database, to check what was (not) written.
    func store() throws -> TideStore { try TideStore(path: dataDirectory + "/tide.sqlite") }

    /// A raw request, for status codes, headers and error bodies.
    func request(
        _ method: HTTPMethod, _ path: String, body: String? = nil, bytes: [UInt8]? = nil, contentType: String = "application/json",
        token: String?? = .none, headers: [(String, String)] = []
    ) async throws -> (status: Int, body: String, bodyBytes: [UInt8], headers: HTTPHeaders) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        let bearer: String? = token ?? self.token
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let payload = bytes ?? body.map({ Array($0.utf8) }) {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: payload))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let data = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), String(buffer: data), Array(data.readableBytesView), response.headers)
    }
}

struct TestServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

enum Repository {
    /// The repository's root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let registry = root + "/registry"
}

enum TemporaryDirectory {
    static func make() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tide-test-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// The API error body's code and message.
func errorOf(_ body: String) -> (code: String, message: String)? {
    guard let parsed = try? JSONDecoder().decode(APIErrorBody.self, from: Data(body.utf8)) else { return nil }
    return (parsed.error.code, parsed.error.message)
}
