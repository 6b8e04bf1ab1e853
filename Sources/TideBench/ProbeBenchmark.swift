import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import TideHTTP
import TideModel
import TideOrchestrator

/// `tide-bench probes`: what a server spends on probing devices served over plain HTTP, through
/// AsyncHTTPClient (the reference: how every device was probed before) and through one plain NIO
/// connection per probe (`tide server` now), in the same run, rounds interleaved.
struct ProbeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probes",
        abstract: "CPU per health probe of plain-HTTP devices: AsyncHTTPClient against one plain NIO connection per probe.",
        discussion: """
            Starts --devices simulated devices in this process (loopback addresses 127.77.x.y; each answer \
            closes its connection, as wasmiot's Flask supervisors do, unless --devices-keep-alive) and \
            probes GET /health --probes times per round with --concurrency probes running at once (a \
            server's monitor runs 256), through the server's own DeviceProbe. The probing side's CPU is the \
            process's minus the simulated devices' event-loop threads (from /proc).
            """)

    @Option(help: "Simulated devices.") var devices = 1000
    @Option(help: "Probes per round and client.") var probes = 20_000
    @Option(help: "Probes running at once.") var concurrency = 256
    @Option(help: "Rounds per client (interleaved; medians are reported).") var rounds = 3
    @Flag(help: "The simulated devices keep connections open (as Tide supervisors do).") var devicesKeepAlive = false

    struct Round: Encodable {
        var probesPerSecond: Double
        var cpuMicrosecondsPerProbe: Double
        var devicesCPUMicrosecondsPerProbe: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var failures: Int
    }

    struct Client: Encodable {
        /// Medians over the rounds.
        var probesPerSecond: Double
        var cpuMicrosecondsPerProbe: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var failures: Int
        var rounds: [Round]
    }

    struct Report: Encodable {
        var benchmark = "probes"
        var build = BuildMode.current
        var devices: Int
        var devicesKeepAlive: Bool
        var probesPerRound: Int
        var concurrency: Int
        var asyncHTTPClient: Client
        var plainNIO: Client
        /// plainNIO / asyncHTTPClient.
        var cpuPerProbeRatio: Double
        var probesPerSecondRatio: Double
    }

    func validate() throws {
        guard (1...8_000).contains(devices) else { throw ValidationError("--devices must be 1-8,000 (one open file each, and one per probe running)") }
        guard probes >= 100, (1...1_024).contains(concurrency), (1...20).contains(rounds) else {
            throw ValidationError("--probes must be at least 100, --concurrency 1-1,024, --rounds 1-20")
        }
    }

    func run() async throws {
        let files = UInt64(devices) * (devicesKeepAlive ? 3 : 1) + UInt64(concurrency) * 2 + 1_024
        guard let limit = FileDescriptorLimit.raise(to: files), limit >= files else {
            throw BenchFailure("\(devices) devices need \(files) open files: raise the limit (ulimit -n \(files)) or run fewer --devices")
        }
        let fleet = try await SimulatedFleet.start(
            count: devices, port: 45_000 + Int.random(in: 0..<2000), closeEachConnection: !devicesKeepAlive)
        let client = HTTPClient.forDevices()
        let outcome: Result<Report, any Error>
        do {
            outcome = .success(try await measure(fleet: fleet, client: client))
        } catch {
            outcome = .failure(error)
        }
        try? await client.shutdown()
        await fleet.shutdown()
        print(try TideJSON.text(try outcome.get()))
    }

    private func measure(fleet: SimulatedFleet, client: HTTPClient) async throws -> Report {
        let endpoints = fleet.members.map { DeviceEndpoint(host: $0.host, port: fleet.port) }
        let fleetThreads = try await fleet.threadStatFiles()
        let reference = DeviceProbe(everyDeviceThrough: client)
        let plain = DeviceProbe(client: client)
        // Warm-up: connections, caches and the devices' first answers.
        _ = try await round(reference, endpoints: endpoints, count: min(probes, 2_000), fleetThreads: fleetThreads)
        _ = try await round(plain, endpoints: endpoints, count: min(probes, 2_000), fleetThreads: fleetThreads)
        var referenceRounds: [Round] = []
        var plainRounds: [Round] = []
        for _ in 0..<rounds {
            referenceRounds.append(try await round(reference, endpoints: endpoints, count: probes, fleetThreads: fleetThreads))
            plainRounds.append(try await round(plain, endpoints: endpoints, count: probes, fleetThreads: fleetThreads))
        }
        let asyncHTTPClient = Self.summary(referenceRounds)
        let plainNIO = Self.summary(plainRounds)
        return Report(
            devices: devices, devicesKeepAlive: devicesKeepAlive, probesPerRound: probes, concurrency: concurrency,
            asyncHTTPClient: asyncHTTPClient, plainNIO: plainNIO,
            cpuPerProbeRatio: plainNIO.cpuMicrosecondsPerProbe / asyncHTTPClient.cpuMicrosecondsPerProbe,
            probesPerSecondRatio: plainNIO.probesPerSecond / asyncHTTPClient.probesPerSecond)
    }

    private func round(_ probe: DeviceProbe, endpoints: [DeviceEndpoint], count: Int, fleetThreads: [String]) async throws -> Round {
        let next = NIOLockedValueBox(0)
        let fleetBefore = fleetThreads.reduce(0) { $0 + ServerProcess.cpuSeconds(stat: $1) }
        let processBefore = ServerProcess.cpuSeconds(stat: "/proc/self/stat")
        let started = ContinuousClock.now
        let lanes = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies: [Double] = []
                    var failures = 0
                    while true {
                        let index = next.withLockedValue { value -> Int in
                            defer { value += 1 }
                            return value
                        }
                        guard index < count else { break }
                        let began = ContinuousClock.now
                        if case .failure = await probe.healthOutcome(of: endpoints[index % endpoints.count], timeout: .seconds(5)) {
                            failures += 1
                        }
                        latencies.append((ContinuousClock.now - began).inSeconds * 1000)
                    }
                    return (latencies, failures)
                }
            }
            var all: [([Double], Int)] = []
            for try await lane in group { all.append(lane) }
            return all
        }
        let wall = (ContinuousClock.now - started).inSeconds
        let fleetCPU = fleetThreads.reduce(0) { $0 + ServerProcess.cpuSeconds(stat: $1) } - fleetBefore
        let processCPU = ServerProcess.cpuSeconds(stat: "/proc/self/stat") - processBefore
        let latencies = lanes.flatMap(\.0).sorted()
        return Round(
            probesPerSecond: Double(count) / wall, cpuMicrosecondsPerProbe: (processCPU - fleetCPU) / Double(count) * 1_000_000,
            devicesCPUMicrosecondsPerProbe: fleetCPU / Double(count) * 1_000_000,
            p50Milliseconds: Percentile.of(latencies, 0.5), p99Milliseconds: Percentile.of(latencies, 0.99),
            failures: lanes.reduce(0) { $0 + $1.1 })
    }

    private static func summary(_ rounds: [Round]) -> Client {
        func median(_ values: [Double]) -> Double { Percentile.of(values.sorted(), 0.5) }
        return Client(
            probesPerSecond: median(rounds.map(\.probesPerSecond)), cpuMicrosecondsPerProbe: median(rounds.map(\.cpuMicrosecondsPerProbe)),
            p50Milliseconds: median(rounds.map(\.p50Milliseconds)), p99Milliseconds: median(rounds.map(\.p99Milliseconds)),
            failures: rounds.reduce(0) { $0 + $1.failures }, rounds: rounds)
    }
}
