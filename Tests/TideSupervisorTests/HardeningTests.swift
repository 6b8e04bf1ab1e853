import Foundation
import NIOHTTP1
import Testing
import TideModel
import TideSupervisor
import WasmKit
@testable import TideTesting

/// Issue 12's points against the supervisor: downloads bounded in time and size, chains that
/// cannot loop, bounded nodes, exact call arguments, a cache without invalid blobs.
@Suite(.stopsWhatItStarts) struct HardeningTests {
    static func supervisor(
        dataDirectory: String = TemporaryDirectory.make(), downloadTimeout: Duration = .seconds(30),
        maxDownloadBytes: Int = 64 << 20, maxChainHops: Int = 32, nodeLimits: DeploymentNodeLimits = .init()
    ) async throws -> RunningServer {
        let configuration = SupervisorConfiguration(
            port: 0, dataDirectory: dataDirectory, heartbeatInterval: .zero,
            limits: ExecutionLimits(fuelPerCall: 200_000_000, deadline: .seconds(20)), nodeLimits: nodeLimits,
            maxDownloadBytes: maxDownloadBytes, downloadTimeout: downloadTimeout, maxChainHops: maxChainHops)
        return try await startServer { onRunning in
            try await SupervisorServer(configuration: configuration, logger: testLogger).run(handleSignals: false, onRunning: onRunning)
        }
    }

    static func errorMessage(_ result: HTTPResult) throws -> String {
        let error = try #require(try result.json()["error"] as? [String: Any])
        return try #require(error["message"] as? String)
    }

    @Test func aTricklingDownloadIsCutOffAtTheDeadline() async throws {
        let trickle = TrickleServer(interval: .milliseconds(200))
        let origin = try await trickle.start()
        let supervisor = try await Self.supervisor(downloadTimeout: .seconds(1))
        var node = NodeFixture(id: "dep-slow")
        node.module("slow", url: origin + "/slow", functions: [])

        let clock = ContinuousClock()
        let started = clock.now
        let answer = try await supervisor.deploy(node)
        #expect(clock.now - started < .seconds(10), "the 1 s deadline held the request for \(clock.now - started)")
        #expect(answer.status == 400)
        #expect(
            try Self.errorMessage(answer)
                == "downloading the binary of module slow from \(origin)/slow took longer than the limit of 1 s for the whole download, headers and body (tide supervisor --download-timeout)")
        // The download was abandoned: the server stops sending within a few of its ticks.
        for _ in 0..<50 where trickle.sending.withLock({ $0 }) > 0 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(trickle.sending.withLock { $0 } == 0)
        #expect(try await http(.GET, supervisor.base + "/health").status == 200)
        #expect(try await http(.GET, supervisor.base + "/dep-slow/modules/slow/f").status == 404)
    }

    @Test func aDownloadWithoutLengthStopsAtTheSizeLimit() async throws {
        let server = TrickleServer()
        let origin = try await server.start()
        let dataDirectory = TemporaryDirectory.make()
        let supervisor = try await Self.supervisor(dataDirectory: dataDirectory, maxDownloadBytes: 100_000)
        var node = NodeFixture(id: "dep-big")
        node.module("big", url: origin + "/endless", functions: [])
        let answer = try await supervisor.deploy(node)
        #expect(answer.status == 400)
        #expect(
            try Self.errorMessage(answer)
                == "the binary of module big from \(origin)/endless is larger than the limit of 100000 bytes (tide supervisor --max-download-bytes)")
        let blobs = try FileManager.default.contentsOfDirectory(atPath: dataDirectory + "/blobs")
        #expect(blobs.isEmpty)
    }

    @Test func aStepChainingToItsOwnEndpointIsRefusedAtDeploy() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo])
        let origin = try await files.start()
        let supervisor = try await Self.supervisor()
        var node = NodeFixture(id: "dep-self")
        node.module(
            "fibo", url: origin + "/fibo.wasm", supervisor: supervisor.base,
            functions: [
                .init(
                    name: "fibo", parameters: [NodeFixture.integer], result: NodeFixture.integer,
                    to: .init(url: supervisor.base, path: "/dep-self/modules/fibo/fibo", method: "post"))
            ])
        let answer = try await supervisor.deploy(node)
        #expect(answer.status == 400)
        #expect(
            try Self.errorMessage(answer)
                == "step fibo/fibo chains to its own endpoint (instructions.modules.fibo.fibo.to), so every call would call itself again; point \"to\" at the next step or set it to null")
        #expect(files.hitCount("fibo.wasm") == 0, "refused before any download")
        #expect(try await supervisor.call("dep-self", "fibo", "fibo", query: "param0=3").status == 404)
    }

    @Test func aLoopAcrossTwoSupervisorsEndsAtTheHopLimit() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo])
        let origin = try await files.start()
        let first = try await Self.supervisor(maxChainHops: 4)
        let second = try await Self.supervisor(maxChainHops: 4)
        for (here, there) in [(first, second), (second, first)] {
            var node = NodeFixture(id: "dep-loop")
            node.module(
                "fibo", url: origin + "/fibo.wasm", supervisor: here.base,
                functions: [
                    .init(
                        name: "fibo", parameters: [NodeFixture.integer], result: NodeFixture.integer,
                        to: .init(url: there.base, path: "/dep-loop/modules/fibo/fibo", method: "post"))
                ])
            #expect(try await here.deploy(node).status == 200)
        }
        var entry = try await first.call("dep-loop", "fibo", "fibo", query: "param0=5").json()
        var links = 1
        while let next = entry["chainedTo"] as? String, links < 20 {
            entry = try await Self.finished(next)
            links += 1
        }
        // Calls at hops 0...4 ran; the one that would have been hop 5 was refused.
        #expect(links == 5)
        #expect(entry["success"] as? Bool == false)
        let error = try #require(entry["error"] as? String)
        #expect(error.contains("this call is hop 5 of a chain (X-Tide-Hops: 5), more than the limit of 4 chained calls (tide supervisor --max-chain-hops)"), "\(error)")
        #expect(try await http(.GET, first.base + "/health").status == 200)
    }

    /// The history entry at `url` once it is no longer pending.
    static func finished(_ url: String) async throws -> [String: Any] {
        for _ in 0..<200 {
            let entry = try await http(.GET, url).json()
            if entry["status"] as? String != "pending" { return entry }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("\(url) stayed pending")
    }

    @Test func hopHeadersPastTheLimitOrNotDecimalAreRefused() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo])
        let origin = try await files.start()
        let supervisor = try await Self.supervisor()
        var node = NodeFixture(id: "dep-hops")
        try node.fibo(at: origin)
        #expect(try await supervisor.deploy(node).status == 200)
        let url = supervisor.base + "/dep-hops/modules/fibo/fibo?wait=true&param0=10"
        let within = try await http(.GET, url, headers: [("X-Tide-Hops", "32")])
        #expect(within.status == 200)
        let past = try await http(.GET, url, headers: [("X-Tide-Hops", "33")])
        #expect(past.status == 400)
        #expect(try Self.errorMessage(past).hasPrefix("this call is hop 33 of a chain (X-Tide-Hops: 33), more than the limit of 32 chained calls"))
        let hex = try await http(.GET, url, headers: [("X-Tide-Hops", "0x10")])
        #expect(hex.status == 400)
        #expect(try Self.errorMessage(hex) == "X-Tide-Hops must be a whole decimal number of chained calls, got \"0x10\"")
    }

    @Test func anOverLimitNodeIsRefusedBeforeAnyDownload() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo])
        let origin = try await files.start()
        let supervisor = try await Self.supervisor()
        var node = NodeFixture(id: "dep-huge")
        for index in 0..<65 {
            node.module(
                "fibo\(index)", url: origin + "/fibo.wasm",
                functions: [.init(name: "fibo", parameters: [NodeFixture.integer], result: NodeFixture.integer)])
        }
        let answer = try await supervisor.deploy(node)
        #expect(answer.status == 400)
        #expect(
            try Self.errorMessage(answer)
                == "the node lists 65 modules, more than the limit of 64 modules per node (tide supervisor --max-node-modules)")
        #expect(files.hitCount("fibo.wasm") == 0)
        let description = try await http(.GET, supervisor.base + "/.well-known/wasmiot-device-description").text
        #expect(!description.contains("dep-huge"))
        #expect(try await supervisor.call("dep-huge", "fibo0", "fibo", query: "param0=3").status == 404)
    }

    @Test func anOversizedNodeIsRefusedWithItsLimit() async throws {
        let supervisor = try await Self.supervisor(nodeLimits: DeploymentNodeLimits(maxBytes: 2048))
        let answer = try await http(.POST, supervisor.base + "/deploy", body: [UInt8](repeating: 32, count: 10_000))
        #expect(answer.status == 413)
        #expect(try Self.errorMessage(answer) == "the deployment node is larger than the limit of 2048 bytes (tide supervisor --max-node-bytes)")
    }

    /// `id32(i32) -> i32` and `id64(i64) -> i64`, `idf64(f64) -> f64`: each answers its argument.
    static var identities: [UInt8] {
        get throws {
            try Fixtures.wat(
                """
                (module
                  (func (export "id32") (param i32) (result i32) (local.get 0))
                  (func (export "id64") (param i64) (result i64) (local.get 0))
                  (func (export "idf64") (param f64) (result f64) (local.get 0)))
                """)
        }
    }

    @Test func callArgumentsAreDecimalAndInRange() async throws {
        let files = FileServer(["id.wasm": try Self.identities])
        let origin = try await files.start()
        let supervisor = try await Self.supervisor()
        var node = NodeFixture(id: "dep-args")
        node.module(
            "id", url: origin + "/id.wasm",
            functions: ["id32", "id64", "idf64"].map { name in
                NodeFixture.Function(
                    name: name, parameters: [name == "idf64" ? NodeFixture.number : NodeFixture.integer],
                    result: NodeFixture.number)
            })
        #expect(try await supervisor.deploy(node).status == 200)
        func value(_ function: String, _ text: String) async throws -> String {
            let answer = try await supervisor.call("dep-args", "id", function, query: "param0=\(text)")
            if answer.status != 200 { return try "\(answer.status) " + Self.errorMessage(answer) }
            return try #require(try answer.json()["result"] as? [Any]).first as? String ?? "?"
        }
        func expectValue(_ function: String, _ text: String, _ expected: String) async throws {
            let actual = try await value(function, text)
            #expect(actual == expected)
        }
        try await expectValue("id64", "9223372036854775807", "9223372036854775807")
        try await expectValue("id64", "-9223372036854775808", "-9223372036854775808")
        try await expectValue("id64", "1e3", "1000")
        try await expectValue("id64", "-9223372036854775809", "400 param0 is out of the range of a 64-bit integer (-9223372036854775808 to 18446744073709551615), got \"-9223372036854775809\"")
        try await expectValue("id64", "18446744073709551616", "400 param0 is out of the range of a 64-bit integer (-9223372036854775808 to 18446744073709551615), got \"18446744073709551616\"")
        try await expectValue("id32", "0x10", "400 param0 must be a 32-bit integer in decimal digits (no hexadecimal), got \"0x10\"")
        try await expectValue("id32", "2147483648.5", "400 param0 must be a whole number for a 32-bit integer, got \"2147483648.5\"")
        try await expectValue("idf64", "0.1", "0.1")
        try await expectValue("idf64", "0x1p3", "400 param0 must be a decimal number, got \"0x1p3\"")
        try await expectValue("idf64", "1e400", "400 param0 is out of the range of a 64-bit float (about ±1.8e308), got \"1e400\"")
        #expect(try await http(.GET, supervisor.base + "/health").status == 200)
    }

    @Test func argumentsAreReadExactly() throws {
        func cast(_ text: String, _ type: ValueType) -> String {
            do {
                return "\(try ArgumentCaster.cast(text, to: type, name: "p"))"
            } catch {
                return error.message
            }
        }
        #expect(cast("-2147483648", .i32) == "\(Value.i32(0x8000_0000))")
        #expect(cast("4294967295", .i32) == "\(Value.i32(UInt32.max))")
        #expect(cast("-2147483649", .i32) == "p is out of the range of a 32-bit integer (-2147483648 to 4294967295), got \"-2147483649\"")
        #expect(cast("18446744073709551615", .i64) == "\(Value.i64(UInt64.max))")
        #expect(cast("-1", .i64) == "\(Value.i64(UInt64.max))")
        #expect(cast("9223372036854775807.000", .i64) == "\(Value.i64(UInt64(Int64.max)))")
        #expect(cast("92233720368547758.07e2", .i64) == "\(Value.i64(UInt64(Int64.max)))")
        #expect(cast(" 5 ", .i64) == "\(Value.i64(5))")
        #expect(cast("0e9999999999", .i64) == "\(Value.i64(0))")
        #expect(cast("1e-3", .i64) == "p must be a whole number for a 64-bit integer, got \"1e-3\"")
        #expect(cast("1e999999", .i64) == "p is out of the range of a 64-bit integer (-9223372036854775808 to 18446744073709551615), got \"1e999999\"")
        for text in ["", "+", "1e", "5 5", "0x10", "0b1", "1_000", "inf", "١٢"] {
            #expect(cast(text, .i64) == "p must be a 64-bit integer in decimal digits (no hexadecimal), got \"\(text)\"")
        }
        #expect(cast("0.1", .f64) == "\(Value.f64(Double(0.1).bitPattern))")
        #expect(cast("0.1", .f32) == "\(Value.f32(Float(0.1).bitPattern))")
        #expect(cast("-inf", .f64) == "\(Value.f64((-Double.infinity).bitPattern))")
        #expect(cast("1e39", .f32) == "p is out of the range of a 32-bit float (about ±3.4e38), got \"1e39\"")
        #expect(cast("0x1p3", .f64) == "p must be a decimal number, got \"0x1p3\"")
    }

    @Test func blobsThatFailTheirChecksAreNotKept() async throws {
        let notWasm = Array("this is not WebAssembly".utf8)
        let files = FileServer(["bad.wasm": notWasm, "fibo.wasm": try Fixtures.fibo])
        let origin = try await files.start()
        let dataDirectory = TemporaryDirectory.make()
        let supervisor = try await Self.supervisor(dataDirectory: dataDirectory)

        var invalid = NodeFixture(id: "dep-invalid")
        invalid.module("bad", url: origin + "/bad.wasm", functions: [])
        let refused = try await supervisor.deploy(invalid)
        #expect(refused.status == 400)
        #expect(try Self.errorMessage(refused).hasPrefix("module bad is not a valid WebAssembly binary"))

        var mismatch = NodeFixture(id: "dep-mismatch")
        mismatch.module("fibo", url: origin + "/fibo.wasm", sha256: .init(binary: String(repeating: "0", count: 64)), functions: [])
        let wrongDigest = try await supervisor.deploy(mismatch)
        #expect(wrongDigest.status == 400)
        #expect(try Self.errorMessage(wrongDigest).contains("but the deployment expects \(String(repeating: "0", count: 64))"))

        #expect(try FileManager.default.contentsOfDirectory(atPath: dataDirectory + "/blobs") == [])
        // A valid binary is kept, under its digest.
        var valid = NodeFixture(id: "dep-valid")
        try valid.fibo(at: origin)
        #expect(try await supervisor.deploy(valid).status == 200)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dataDirectory + "/blobs") == [BlobCache.digest(of: try Fixtures.fibo)])
    }

    @Test func healthStaysWithinItsRange() async throws {
        #expect(UsageMonitor.share(-1e308) == 0)
        #expect(UsageMonitor.share(1e308) == 1)
        #expect(UsageMonitor.share(.nan) == 0)
        #expect(UsageMonitor.share(-.infinity) == 0)
        #expect(UsageMonitor.share(0.25) == 0.25)
        #expect(ProcFiles.parseStat("cpu  18446744073709551615 1 1 1 0 0 0 0 0 0\n") == nil)
        #expect(ProcFiles.parseMeminfo("MemTotal: 18446744073709551615 kB\nMemAvailable: 1 kB\n") == nil)
        let supervisor = try await Self.supervisor()
        let health = try await http(.GET, supervisor.base + "/health").json()
        for key in ["cpuUsage", "memoryUsage"] {
            let value = try #require((health[key] as? NSNumber)?.doubleValue)
            #expect((0...1).contains(value), "\(key) = \(value)")
        }
    }
}
