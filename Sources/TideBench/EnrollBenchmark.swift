import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import TideClient
import TideModel
import TideOrchestrator
import TideStore
import TideTLS

/// `tide-bench enroll`: how long a device takes to enroll with a `tide server` process (fleet
/// CA, HTTPS): make a key and a CSR, send them with the join token, get the certificate. Then
/// what mutual TLS costs the server against plain HTTP with the fleet token: one device's
/// heartbeats back to back on a kept-alive connection, and the whole enrolled fleet sending a
/// heartbeat a second each on its own connection.
struct EnrollBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Enrollment time (key, CSR, join token, certificate) and the per-heartbeat cost of mutual TLS against plain HTTP.")

    @Option(help: "Devices to enroll, one after another; then each sends a heartbeat a second.") var devices = 1000
    @Option(help: "Heartbeats of one device to time, back to back, on each transport.") var heartbeats = 2000
    @Option(help: "Seconds to measure the server's CPU over while the fleet sends heartbeats, on each transport.") var seconds = 10

    struct Report: Encodable {
        var benchmark = "enroll"
        var build = BuildMode.current
        var devices: Int
        var enrollP50Milliseconds: Double
        var enrollP99Milliseconds: Double
        var heartbeats: Int
        /// One heartbeat after another on one kept-alive connection.
        var heartbeatMutualTLSMicroseconds: Double
        var heartbeatPlainHTTPMicroseconds: Double
        var mutualTLSOverPlain: Double
        /// Server CPU seconds per 1,000 heartbeats on each transport.
        var serverCPUPerThousandMutualTLS: Double
        var serverCPUPerThousandPlain: Double
        var serverCPURatio: Double
        /// Every device a heartbeat a second, each on its own connection: the server's CPU in cores.
        var fleetSeconds: Int
        var fleetServerCPUCoresMutualTLS: Double
        var fleetServerCPUCoresPlain: Double
        var fleetServerCPURatio: Double
        var fleetHeartbeatsAnsweredMutualTLS: Int
        var fleetHeartbeatsAnsweredPlain: Int
        var fleetHeartbeatsFailed: Int
        var goals: [String: Bool]
    }

    func validate() throws {
        guard (1...10_000).contains(devices) else { throw ValidationError("--devices must be 1-10000") }
        guard (10...1_000_000).contains(heartbeats) else { throw ValidationError("--heartbeats must be 10-1000000") }
        guard (1...600).contains(seconds) else { throw ValidationError("--seconds must be 1-600") }
    }

    func run() async throws {
        let secure = FileManager.default.temporaryDirectory.appendingPathComponent("tide-bench-enroll-\(UUID().uuidString)").path
        let plain = secure + "-plain"
        defer {
            try? FileManager.default.removeItem(atPath: secure)
            try? FileManager.default.removeItem(atPath: plain)
        }
        let common = ["--port", "0", "--log-level", "notice", "--registry", "none", "--no-mdns", "--probe-interval", "0"]
        let enrolling = try ServerProcess.start(arguments: ["server", "--data-dir", secure] + common)
        defer { enrolling.stop() }
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        try TideStore(path: plain + "/tide.sqlite").insert((0..<devices).map { Self.device("bench-\($0)", trust: .token) })
        let plainServer = try ServerProcess.start(arguments: ["server", "--insecure-http", "--data-dir", plain] + common)
        defer { plainServer.stop() }

        let caPEM = try String(contentsOfFile: ServerCertificates.caCertificatePath(in: secure), encoding: .utf8)
        let trust = try TLSCredentials.trustingClientConfiguration(trustPEM: caPEM)
        let enrollAt = "https://127.0.0.1:\(enrolling.port)"
        guard let token = try OperatorToken.read(at: secure + "/" + OperatorToken.fileName) else {
            throw BenchFailure("the benchmark server wrote no operator token")
        }
        let api = TideClient(baseURL: enrollAt, token: token, http: TideClient.failFastHTTP(tls: trust))
        let join = try await api.createJoinToken(CreateJoinTokenRequest(ttlSeconds: 3600, uses: devices))

        var times: [Double] = []
        var enrolled: [(id: String, credentials: TLSCredentials)] = []
        for index in 0..<devices {
            let id = "bench-\(index)"
            let started = ContinuousClock.now
            let request = try DeviceCertificateRequest.make(deviceID: id)
            var http = HTTPClientRequest(url: enrollAt + "/enroll")
            http.method = .POST
            http.tlsConfiguration = trust
            http.headers.add(name: "content-type", value: "application/json")
            http.body = .bytes(ByteBuffer(bytes: try TideJSON.encoder().encode(EnrollRequest(joinToken: join.token, deviceId: id, csr: request.csrPEM))))
            let response = try await HTTPClient.shared.execute(http, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .ok else { throw BenchFailure("enrollment \(index) failed: \(String(buffer: body))") }
            times.append((ContinuousClock.now - started).inMilliseconds)
            let answer = try TideJSON.decoder().decode(EnrollResponse.self, from: Data(body.readableBytesView))
            enrolled.append((id, try TLSCredentials(certificatePEM: answer.certificate, keyPEM: request.keyPEM, trustPEM: caPEM)))
        }
        times.sort()
        guard let first = enrolled.first else { throw BenchFailure("no device enrolled") }
        // The enrolled devices, as if they had registered (no supervisor answers for them here).
        enrolling.stop()
        try TideStore(path: secure + "/tide.sqlite").insert(enrolled.map { Self.device($0.id, trust: .certificate) })
        let server = try ServerProcess.start(arguments: ["server", "--data-dir", secure] + common)
        defer { server.stop() }
        let base = "https://127.0.0.1:\(server.port)"

        // Heartbeats: the enrolled device over mutual TLS; a token device over plain HTTP.
        guard let fleetToken = try OperatorToken.read(at: plain + "/" + OperatorToken.supervisorFileName, what: "supervisor token") else {
            throw BenchFailure("the plain benchmark server wrote no supervisor token")
        }
        let beat = #"{"id": "\#(first.id)", "health": {"cpuUsage": 0.1, "memoryUsage": 0.3}}"#
        let mutualClient = TideClient.failFastHTTP(tls: first.credentials.clientConfiguration())
        let mutual = try await Self.time(heartbeats, server: server) {
            HTTPClientRequest(url: base + "/file/device/heartbeat")
        } body: { beat } client: { mutualClient }
        let clear = try await Self.time(heartbeats, server: plainServer) {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(plainServer.port)/file/device/heartbeat")
            request.headers.add(name: "authorization", value: "Bearer \(fleetToken)")
            return request
        } body: { beat } client: { HTTPClient.shared }
        let ratio = clear.cpu > 0 ? mutual.cpu / clear.cpu : 0

        let ids = enrolled.map(\.id)
        let fleetMutual = try await Self.fleetLoad(
            server: server, url: base + "/file/device/heartbeat", ids: ids, tls: enrolled.map { $0.credentials.clientConfiguration() },
            bearer: nil, seconds: seconds)
        let fleetPlain = try await Self.fleetLoad(
            server: plainServer, url: "http://127.0.0.1:\(plainServer.port)/file/device/heartbeat", ids: ids, tls: nil,
            bearer: fleetToken, seconds: seconds)
        let fleetRatio = fleetPlain.serverCPUCores > 0 ? fleetMutual.serverCPUCores / fleetPlain.serverCPUCores : 0
        let failures = fleetMutual.heartbeatsFailed + fleetPlain.heartbeatsFailed
        print(try TideJSON.text(Report(
            devices: devices, enrollP50Milliseconds: Percentile.of(times, 0.5), enrollP99Milliseconds: Percentile.of(times, 0.99),
            heartbeats: heartbeats, heartbeatMutualTLSMicroseconds: mutual.wall, heartbeatPlainHTTPMicroseconds: clear.wall,
            mutualTLSOverPlain: clear.wall > 0 ? mutual.wall / clear.wall : 0,
            serverCPUPerThousandMutualTLS: mutual.cpu, serverCPUPerThousandPlain: clear.cpu, serverCPURatio: ratio,
            fleetSeconds: seconds, fleetServerCPUCoresMutualTLS: fleetMutual.serverCPUCores,
            fleetServerCPUCoresPlain: fleetPlain.serverCPUCores, fleetServerCPURatio: fleetRatio,
            fleetHeartbeatsAnsweredMutualTLS: fleetMutual.heartbeatsAnswered, fleetHeartbeatsAnsweredPlain: fleetPlain.heartbeatsAnswered,
            fleetHeartbeatsFailed: failures,
            goals: [
                "serverCPUUnder2xPlain": ratio < 2, "fleetServerCPUUnder2xPlain": fleetRatio < 2,
                "fleetHeartbeatsAllAnswered": failures == 0, "enrollP99Under1s": Percentile.of(times, 0.99) < 1000,
            ])))
    }

    static func device(_ id: String, trust: DeviceTrust) -> Device {
        let now = Date()
        return Device(
            id: DeviceID(id), name: id, addresses: ["127.0.0.1"], port: 9, status: .alive, statusSince: now,
            statusReason: "benchmark", description: RawJSON(unchecked: Array(#"{}"#.utf8)),
            capabilities: DeviceCapabilities(interfaces: [], memoryBytes: 1 << 20, labels: [:]), labels: [:], health: nil,
            firstSeen: now, lastSeen: now, trust: trust)
    }

    /// Wall microseconds per heartbeat and server CPU seconds per 1,000, over `count` sequential
    /// heartbeats (the first 10 warm the connection up and are not counted). A heartbeat that is
    /// not answered 200 stops the benchmark: the figures would not be about heartbeats.
    static func time(
        _ count: Int, server: ServerProcess, request: () -> HTTPClientRequest, body: () -> String, client: () -> HTTPClient
    ) async throws -> (wall: Double, cpu: Double) {
        func send() async throws {
            var next = request()
            next.method = .POST
            next.headers.add(name: "content-type", value: "application/json")
            next.body = .bytes(ByteBuffer(string: body()))
            let response = try await client().execute(next, timeout: .seconds(10))
            let answer = try await response.body.collect(upTo: 1 << 16)
            guard response.status == .ok else { throw BenchFailure("a heartbeat was answered \(response.status.code): \(String(buffer: answer))") }
        }
        for _ in 0..<10 { try await send() }
        let cpuBefore = server.cpuSeconds()
        let started = ContinuousClock.now
        for _ in 0..<count { try await send() }
        let wall = (ContinuousClock.now - started).inSeconds
        let cpu = server.cpuSeconds() - cpuBefore
        return (wall / Double(count) * 1_000_000, cpu / Double(count) * 1000)
    }
}
