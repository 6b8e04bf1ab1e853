import TideFixtures
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TideHTTP
import TideSupervisor
import WAT
import WasmKit

/// What `SupervisorBenchmark.run` measured. Times in microseconds unless named otherwise.
public struct SupervisorBenchmarkReport: Sendable, Codable, Equatable {
    /// A direct call of an exported no-op function (WasmKit's host -> guest overhead).
    public var noopCallMicros: Double
    /// The same call through `ModuleInstance.call`: queue hop, limits, continuation.
    public var noopDispatchedCallMicros: Double
    /// Parsing and instantiating a small module (the benchmark fixture) in a fresh store.
    public var instantiateMillis: Double
    /// Mean and median of 60 integers, both calls, with the registry's stats module (nil without it).
    public var statsWasmMicros: Double?
    /// The same two calls without the queue hop and deadline timer: the engine's share.
    public var statsWasmDirectMicros: Double?
    public var statsNativeMicros: Double
    /// Recursive fib(30) in WasmKit, with and without fuel metering.
    public var fib30Millis: Double
    public var fib30NoFuelMillis: Double
    public var fib30NativeMillis: Double
    /// Fuel units fib(30) consumed, and so the units per second this machine runs.
    public var fib30Fuel: UInt64
    public var fuelPerSecond: Double
    /// `GET /<deployment>/modules/bench/answer?wait=true` on loopback against an in-process supervisor.
    public var httpRoundTripP50Micros: Double
    public var httpRoundTripP99Micros: Double
    public var httpCalls: Int
    public var fuelMetering: Bool
    public var buildConfiguration: String
}

/// In-process measurements of the supervisor's costs; `tide-bench supervisor` prints them.
public enum SupervisorBenchmark {
    /// `registry`: the repository's `registry/` directory, for the stats workload (optional).
    public static func run(registry: String? = nil, httpCalls: Int = 2000, logger: Logger = Logger(label: "tide.bench"))
        async throws -> SupervisorBenchmarkReport
    {
        let fixture = try wat2wasm(benchFixture)
        let limits = ExecutionLimits()
        let runtime = WasmRuntime(hostModules: [], limits: limits, logger: logger)
        let unmetered = WasmRuntime(hostModules: [], limits: ExecutionLimits(fuelPerCall: nil), logger: logger)

        let module = try runtime.parse(fixture, module: "bench")
        let instance = try TideSupervisor.ModuleInstance(
            name: "bench", modules: ["bench": module], dependencies: [:], runtime: runtime, filesDirectory: nil)
        let noop = try instance.directCallMicros("noop", iterations: 200_000)
        let dispatched = try await measure(iterations: 5_000) {
            _ = try await instance.call("noop", arguments: [], bytesResult: false, deadline: .seconds(10)).get()
        }

        let instantiate = try measureSync(iterations: 200) {
            let parsed = try runtime.parse(fixture, module: "bench")
            _ = try TideSupervisor.ModuleInstance(
                name: "bench", modules: ["bench": parsed], dependencies: [:], runtime: runtime, filesDirectory: nil)
        }

        let readings = (1...60).map { Int32($0 * 7919 % 1000) }
        let bytes = readings.flatMap { value in withUnsafeBytes(of: value.littleEndian, Array.init) }
        var statsWasm: Double?
        var statsDirect: Double?
        if let registry, let data = FileManager.default.contents(atPath: registry + "/stats/stats.wasm") {
            let stats = try runtime.parse([UInt8](data), module: "stats")
            let statsInstance = try TideSupervisor.ModuleInstance(
                name: "stats", modules: ["stats": stats], dependencies: [:], runtime: runtime, filesDirectory: nil)
            statsWasm = try await measure(iterations: 2_000) {
                _ = try await statsInstance.call("mean", arguments: [.bytes(bytes)], bytesResult: false, deadline: .seconds(10)).get()
                _ = try await statsInstance.call("median", arguments: [.bytes(bytes)], bytesResult: false, deadline: .seconds(10)).get()
            }
            statsDirect = try measureSync(iterations: 2_000) {
                _ = try statsInstance.invokeForBenchmark("mean", arguments: [.bytes(bytes)])
                _ = try statsInstance.invokeForBenchmark("median", arguments: [.bytes(bytes)])
            }
        }
        let statsNative = try measureSync(iterations: 20_000) {
            let values = bytes.withUnsafeBytes { raw in (0..<60).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self) } }
            blackHole(NativeStats.mean(values) + NativeStats.median(values))
        }

        let fib = try instance.directCallMicros("fib", arguments: [.i32(30)], iterations: 3) / 1000
        let unmeteredInstance = try TideSupervisor.ModuleInstance(
            name: "bench", modules: ["bench": try unmetered.parse(fixture, module: "bench")], dependencies: [:],
            runtime: unmetered, filesDirectory: nil)
        let fibNoFuel = try unmeteredInstance.directCallMicros("fib", arguments: [.i32(30)], iterations: 3) / 1000
        // The argument is computed inside the loop so the optimizer cannot hoist or fold the call.
        let fibNative = try measureSync(iterations: 5) {
            blackHole(NativeStats.fib(Date().timeIntervalSince1970 < 0 ? 31 : 30))
        } / 1000
        let fibFuel = try instance.fuelUsed("fib", arguments: [.i32(30)])

        let (p50, p99) = try await httpRoundTrips(fixture: fixture, calls: httpCalls, logger: logger)
        #if DEBUG
            let build = "debug"
        #else
            let build = "release"
        #endif
        return SupervisorBenchmarkReport(
            noopCallMicros: noop, noopDispatchedCallMicros: dispatched, instantiateMillis: instantiate / 1000,
            statsWasmMicros: statsWasm, statsWasmDirectMicros: statsDirect, statsNativeMicros: statsNative, fib30Millis: fib, fib30NoFuelMillis: fibNoFuel,
            fib30NativeMillis: fibNative, fib30Fuel: fibFuel, fuelPerSecond: Double(fibFuel) / (fib / 1000),
            httpRoundTripP50Micros: p50, httpRoundTripP99Micros: p99, httpCalls: httpCalls,
            fuelMetering: limits.fuelPerCall != nil, buildConfiguration: build)
    }

    /// A supervisor and a file server in this process; `calls` sequential synchronous calls.
    private static func httpRoundTrips(fixture: [UInt8], calls: Int, logger: Logger) async throws -> (Double, Double) {
        var logger = logger
        // Cancelling the in-process servers at the end makes Hummingbird log errors that mean nothing here.
        logger.logLevel = .critical
        let root = NSTemporaryDirectory() + "tide-bench-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let router = Router()
        router.get("bench.wasm") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: fixture))) }
        let ports = AsyncStream<Int>.makeStream()
        let files = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ports.continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let configuration = SupervisorConfiguration(
            port: 0, name: "bench", dataDirectory: root, heartbeatInterval: .zero, historyMaxEntries: 10_000)
        let supervisor = SupervisorServer(configuration: configuration, logger: logger)

        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await GracefulServiceGroup.run(files, logger: files.logger) }
            group.addTask {
                try await supervisor.run(handleSignals: false) { port in ports.continuation.yield(port) }
            }
            var iterator = ports.stream.makeAsyncIterator()
            var bound: [Int] = []
            while bound.count < 2, let port = await iterator.next() { bound.append(port) }
            defer { group.cancelAll() }
            // The file server and the supervisor report in either order; the supervisor answers /health.
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { _ = client.shutdown() }
            var supervisorPort = bound[0]
            var filePort = bound[1]
            let probe = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(supervisorPort)/health"), timeout: .seconds(5))
            if probe.status != .ok { swap(&supervisorPort, &filePort) }
            _ = try? await probe.body.collect(upTo: 1 << 16)

            let node = """
                {"deploymentId": "bench", "generation": 1,
                 "modules": [{"id": "bench", "name": "bench", "urls": {"binary": "http://127.0.0.1:\(filePort)/bench.wasm", "other": {}}}],
                 "endpoints": {}, "instructions": {"modules": {}}, "mounts": {}}
                """
            var deploy = HTTPClientRequest(url: "http://127.0.0.1:\(supervisorPort)/deploy")
            deploy.method = .POST
            deploy.body = .bytes(ByteBuffer(string: node))
            let deployed = try await client.execute(deploy, timeout: .seconds(30))
            _ = try await deployed.body.collect(upTo: 1 << 16)
            guard deployed.status == .ok else { throw BenchmarkFailure("deploying the benchmark module answered \(deployed.status.code)") }

            let url = "http://127.0.0.1:\(supervisorPort)/bench/modules/bench/answer?wait=true"
            var samples: [Double] = []
            samples.reserveCapacity(calls)
            let clock = ContinuousClock()
            for index in 0..<(calls + 50) {
                let start = clock.now
                let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
                _ = try await response.body.collect(upTo: 1 << 16)
                if index >= 50 { samples.append(micros(clock.now - start)) }
            }
            samples.sort()
            return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)])
        }
    }

    private static func measure(iterations: Int, _ body: () async throws -> Void) async throws -> Double {
        for _ in 0..<min(iterations, 100) { try await body() }
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<iterations { try await body() }
        return micros(clock.now - start) / Double(iterations)
    }

    static func measureSync(iterations: Int, _ body: () throws -> Void) throws -> Double {
        try body()
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<iterations { try body() }
        return micros(clock.now - start) / Double(iterations)
    }

    static func micros(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }

    public static let benchFixture = """
        (module
          (func (export "noop"))
          (func (export "answer") (result i32) (i32.const 42))
          (func $fib (export "fib") (param $n i32) (result i32)
            (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
              (then (local.get $n))
              (else (i32.add
                (call $fib (i32.sub (local.get $n) (i32.const 1)))
                (call $fib (i32.sub (local.get $n) (i32.const 2))))))))
        """
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@inline(never) func blackHole<T>(_ value: T) { _ = value }

/// The stats workload and fib in plain Swift, for comparison.
enum NativeStats {
    static func mean(_ values: [Int32]) -> Double {
        values.isEmpty ? 0 : Double(values.reduce(Int64(0)) { $0 + Int64($1) }) / Double(values.count)
    }

    static func median(_ values: [Int32]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[middle]) : (Double(sorted[middle - 1]) + Double(sorted[middle])) / 2
    }

    static func fib(_ n: Int32) -> Int32 { n < 2 ? n : fib(n - 1) &+ fib(n - 2) }
}

extension TideSupervisor.ModuleInstance {
    func fuelUsed(_ function: String, arguments: [Value]) throws -> UInt64 {
        try withInstanceForBenchmark { store, instance in
            guard let export = instance.exports[function: function] else { throw BenchmarkFailure("no export \(function)") }
            let budget: UInt64 = 1 << 40
            store.fuel = Fuel(remaining: budget)
            _ = try export(arguments)
            return budget - (store.fuel?.remaining ?? budget)
        }
    }

    /// Calls an export on the current thread, bypassing the queue: only for benchmarks, on an
    /// instance no one else uses.
    func directCallMicros(_ function: String, arguments: [Value] = [], iterations: Int) throws -> Double {
        try withInstanceForBenchmark { store, instance in
            guard let export = instance.exports[function: function] else { throw BenchmarkFailure("no export \(function)") }
            return try SupervisorBenchmark.measureSync(iterations: iterations) {
                if let fuel = limitsForBenchmark.fuelPerCall { store.fuel = Fuel(remaining: fuel) }
                _ = try export(arguments)
            }
        }
    }
}
