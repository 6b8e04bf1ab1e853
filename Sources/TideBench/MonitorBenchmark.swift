import ArgumentParser
import AsyncHTTPClient
import TideClient
import TideTLS
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import TideModel
import TideOrchestrator
import TideStore

/// `tide-bench monitor`: a `tide server` process watching a simulated fleet (1,000 devices by
/// default, one process, loopback only): its CPU at steady state, false alarms, and how fast it
/// declares a device dead after SIGKILL-like, SIGSTOP-like and wasmiot-style failures.
struct MonitorBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Failure detection at scale: server CPU with a simulated fleet, and detection latency per failure kind.")

    @Option(help: "Simulated devices.") var devices = 1000
    @Option(help: "Seconds of steady state to measure CPU over.") var seconds = 20
    @Option(help: "Trials of each failure kind.") var trials = 20
    @Option(help: "Devices without heartbeats (wasmiot-style), besides those used for trials.") var wasmiotDevices = 100
    @Flag(help: "Serve HTTPS with the fleet CA (the default of tide server); heartbeats and API calls go over TLS on kept-alive connections.")
    var tls = false
    @Option(help: "Busy-looping processes to run during the steady state (2 loads both cores of this machine).")
    var loadProcesses = 0

    struct Latency: Encodable {
        var trials: Int
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
        var goalMilliseconds: Double
        var met: Bool
    }

    struct Report: Encodable {
        var benchmark = "monitor"
        var build = BuildMode.current
        /// "https" (fleet CA) or "http" (--insecure-http).
        var transport: String
        var devices: Int
        var heartbeatingDevices: Int
        var steadySeconds: Int
        var loadProcesses: Int
        var serverCPUCores: Double
        /// Devices declared dead during the steady state (none failed): false failovers.
        var falseAlarms: Int
        /// Devices that became suspect during the steady state (no work moves on suspicion).
        var suspicions: Int
        var detection: [String: Latency]
        var goals: [String: Bool]
    }

    func validate() throws {
        guard devices >= 3 * trials + wasmiotDevices + 10, devices <= 60_000 else {
            throw ValidationError("--devices must be at least 3 x --trials + --wasmiot-devices + 10, and at most 60,000")
        }
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tide-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let port = 47_000 + Int.random(in: 0..<2000)
        let fleet = try await SimulatedFleet.start(count: devices, port: port)
        let now = Date()
        let store = try TideStore(path: directory + "/tide.sqlite")
        try store.insert(fleet.members.map { member in
            let description = SimulatedFleet.description(of: member)
            return Device(
                id: member.id, name: member.id.rawValue, addresses: [member.host], port: port, status: .alive, statusSince: now,
                statusReason: "simulated", description: RawJSON(description),
                capabilities: DeviceCapabilities(interfaces: ["fd_write", "millis"], memoryBytes: 536_870_912, labels: ["simulated": "true"]),
                labels: [:], health: nil, firstSeen: now, lastSeen: now)
        })

        let server = try ServerProcess.start(arguments: [
            "server", "--data-dir", directory, "--port", "0", "--log-level", "notice", "--registry", "none",
        ] + (tls ? [] : ["--insecure-http"]))
        defer { server.stop() }
        guard let token = try OperatorToken.read(at: directory + "/" + OperatorToken.fileName) else {
            throw BenchFailure("the benchmark server wrote no operator token")
        }
        guard let fleetToken = try OperatorToken.read(at: directory + "/" + OperatorToken.supervisorFileName, what: "supervisor token")
        else {
            throw BenchFailure("the benchmark server wrote no supervisor token")
        }
        let base = "\(tls ? "https" : "http")://127.0.0.1:\(server.port)"
        let http = tls ? try Self.trustingFleetCA(in: directory) : HTTPClient.shared

        // Members: [trial devices for kill, stop, wasmiot][wasmiot-style][the rest heartbeat].
        let kill = Array(fleet.members[0..<trials])
        let stop = Array(fleet.members[trials..<(2 * trials)])
        let wasmiot = Array(fleet.members[(2 * trials)..<(3 * trials + wasmiotDevices)])
        let beating = NIOLockedValueBox(Set(fleet.members.map(\.id)).subtracting(wasmiot.map(\.id)))
        let heartbeats = Task { await Self.sendHeartbeats(to: base, token: fleetToken, beating: beating, http: http) }
        defer { heartbeats.cancel() }

        try await Task.sleep(for: .seconds(5))
        let burners = try (0..<loadProcesses).map { _ in try CPUBurner.start() }
        defer { burners.forEach { $0.stop() } }
        let cursor = try await Self.events(base: base, token: token, query: "tail=1", http: http).cursor
        let cpuBefore = server.cpuSeconds()
        let wallBefore = ContinuousClock.now
        try await Task.sleep(for: .seconds(seconds))
        let cores = (server.cpuSeconds() - cpuBefore) / (ContinuousClock.now - wallBefore).inSeconds
        let changes = try await Self.events(base: base, token: token, query: "since=\(cursor)&limit=10000", http: http).events
            .filter { $0.kind == .deviceStatusChanged }
        let falseAlarms = Set(changes.filter { $0.details?["to"] == "dead" }.compactMap(\.device)).count
        let suspicions = Set(changes.filter { $0.details?["to"] == "suspect" }.compactMap(\.device)).count
        burners.forEach { $0.stop() }

        var detection: [String: Latency] = [:]
        detection["sigkill"] = try await Self.trial(kill, goal: 1500, base: base, token: token, http: http) { member in
            beating.withLockedValue { _ = $0.remove(member.id) }
            await fleet.close(member.id)
        }
        detection["sigstop"] = try await Self.trial(stop, goal: 3000, base: base, token: token, http: http) { member in
            beating.withLockedValue { _ = $0.remove(member.id) }
            fleet.setMode(.hanging, for: member.id)
        }
        detection["wasmiotNoHeartbeat"] = try await Self.trial(Array(wasmiot.prefix(trials)), goal: 5000, base: base, token: token, http: http) { member in
            fleet.setMode(.hanging, for: member.id)
        }
        heartbeats.cancel()
        await fleet.shutdown()

        var goals = detection.mapValues(\.met)
        goals["serverUnderHalfACore"] = cores < 0.5
        goals["noFalseAlarms"] = falseAlarms == 0
        print(try TideJSON.text(Report(
            transport: tls ? "https" : "http", devices: devices, heartbeatingDevices: devices - wasmiot.count, steadySeconds: seconds,
            loadProcesses: loadProcesses, serverCPUCores: cores,
            falseAlarms: falseAlarms, suspicions: suspicions, detection: detection, goals: goals)))
    }

    static func trustingFleetCA(in directory: String) throws -> HTTPClient {
        TideClient.failFastHTTP(
            tls: try TLSCredentials.trustingClientConfiguration(trustFile: ServerCertificates.caCertificatePath(in: directory)))
    }

    /// Every second, a heartbeat from each device that still sends them (a Tide supervisor's).
    static func sendHeartbeats(to base: String, token: String, beating: NIOLockedValueBox<Set<DeviceID>>, http: HTTPClient) async {
        while !Task.isCancelled {
            let started = ContinuousClock.now
            let ids = beating.withLockedValue { Array($0) }
            await withTaskGroup(of: Void.self) { group in
                for chunk in stride(from: 0, to: ids.count, by: 50) {
                    let slice = ids[chunk..<min(ids.count, chunk + 50)]
                    group.addTask {
                        for id in slice {
                            var request = HTTPClientRequest(url: base + "/file/device/heartbeat")
                            request.method = .POST
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.headers.add(name: "Authorization", value: "Bearer \(token)")
                            request.body = .bytes(ByteBuffer(string: #"{"id": "\#(id.rawValue)", "health": {"cpuUsage": 0.1, "memoryUsage": 0.3}}"#))
                            if let response = try? await http.execute(request, timeout: .seconds(2)) {
                                _ = try? await response.body.collect(upTo: 4096)
                            }
                        }
                    }
                }
            }
            try? await Task.sleep(until: started + .seconds(1), clock: .continuous)
        }
    }

    /// Fails each member at a random moment (so failures fall anywhere in the probe cycle) and
    /// times until the server says dead.
    static func trial(
        _ members: [SimulatedFleet.Member], goal: Double, base: String, token: String, http: HTTPClient,
        fail: @escaping @Sendable (SimulatedFleet.Member) async -> Void
    ) async throws -> Latency {
        let latencies = try await withThrowingTaskGroup(of: Double.self) { group in
            for member in members {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 0..<1000)))
                    let started = ContinuousClock.now
                    await fail(member)
                    let deadline = started + .seconds(15)
                    while ContinuousClock.now < deadline {
                        if try await status(of: member.id, base: base, token: token, http: http) == .dead {
                            return (ContinuousClock.now - started).inMilliseconds
                        }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    return 15_000
                }
            }
            var all: [Double] = []
            for try await latency in group { all.append(latency) }
            return all.sorted()
        }
        let p99 = Percentile.of(latencies, 0.99)
        return Latency(
            trials: latencies.count, p50Milliseconds: Percentile.of(latencies, 0.5), p99Milliseconds: p99,
            maxMilliseconds: latencies.last ?? 0, goalMilliseconds: goal, met: p99 <= goal)
    }

    static func status(of id: DeviceID, base: String, token: String, http: HTTPClient) async throws -> DeviceStatus? {
        var request = HTTPClientRequest(url: base + "/api/v1/devices/" + id.rawValue)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await http.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        return try? TideJSON.decoder().decode(Device.self, from: Data(body.readableBytesView)).status
    }

    static func events(base: String, token: String, query: String, http: HTTPClient) async throws -> EventPage {
        var request = HTTPClientRequest(url: base + "/api/v1/events?" + query)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 28)
        return try TideJSON.decoder().decode(EventPage.self, from: Data(body.readableBytesView))
    }

    static func countNotAlive(base: String, token: String, http: HTTPClient) async throws -> Int {
        var request = HTTPClientRequest(url: base + "/api/v1/devices")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 30)
        let list = try TideJSON.decoder().decode(DeviceList.self, from: Data(body.readableBytesView))
        return list.devices.filter { $0.status != .alive }.count
    }
}
