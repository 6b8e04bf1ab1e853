import Foundation
import NIOHTTP1
import Testing
import TideModel
import TideSupervisor
@testable import TideTesting

@Suite(.stopsWhatItStarts) struct LimitsAndSecurityTests {
    @Test func runawayLoopIsStoppedWhileOtherCallsWork() async throws {
        let files = FileServer(["spin.wasm": try Fixtures.spinner, "fibo.wasm": try Fixtures.fibo])
        let origin = try await files.start()
        let supervisor = try await startSupervisor(limits: ExecutionLimits(fuelPerCall: 30_000_000, deadline: .seconds(60)))

        var node = NodeFixture(id: "dep-spin")
        node.module(
            "spin", url: origin + "/spin.wasm",
            functions: [
                .init(name: "spin", parameters: [], result: NodeFixture.integer),
                .init(name: "ok", parameters: [], result: NodeFixture.integer),
            ])
        node.module(
            "fibo", url: origin + "/fibo.wasm",
            functions: [.init(name: "fibo", parameters: [NodeFixture.integer], result: NodeFixture.integer)])
        #expect(try await supervisor.deploy(node).status == 200)

        async let spinning = supervisor.call("dep-spin", "spin", "spin")
        try await Task.sleep(for: .milliseconds(50))
        let clock = ContinuousClock()
        let started = clock.now
        let other = try await supervisor.call("dep-spin", "fibo", "fibo", query: "param0=30").json()
        #expect((other["value"] as? NSNumber)?.intValue == 832_040)
        let stopped = try await spinning.json()
        #expect(stopped["success"] as? Bool == false)
        #expect((stopped["error"] as? String)?.contains("fuel") == true, "\(stopped)")
        #expect(clock.now - started < .seconds(60))
        // The module that looped still answers afterwards.
        let after = try await supervisor.call("dep-spin", "spin", "ok").json()
        #expect((after["value"] as? NSNumber)?.intValue == 7)
    }

    @Test func deadlineAnswersBeforeTheGuestStops() async throws {
        let files = FileServer(["spin.wasm": try Fixtures.spinner])
        let origin = try await files.start()
        let supervisor = try await startSupervisor(
            limits: ExecutionLimits(fuelPerCall: 20_000_000, deadline: .milliseconds(1)))
        var node = NodeFixture(id: "dep-deadline")
        node.module("spin", url: origin + "/spin.wasm", functions: [.init(name: "spin", parameters: [], result: NodeFixture.integer)])
        #expect(try await supervisor.deploy(node).status == 200)
        let result = try await supervisor.call("dep-deadline", "spin", "spin").json()
        #expect(result["success"] as? Bool == false)
        #expect((result["error"] as? String)?.contains("did not finish within") == true, "\(result)")
    }

    @Test func concurrentCalls() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo, "stats.wasm": try Fixtures.stats])
        let origin = try await files.start()
        let supervisor = try await startSupervisor(
            limits: ExecutionLimits(fuelPerCall: 100_000_000, deadline: .seconds(60), maxConcurrentCalls: 3))
        var node = NodeFixture(id: "dep-many")
        try node.fibo(at: origin, digest: false)
        node.module("stats", url: origin + "/stats.wasm", functions: [.init(name: "mean", parameters: [NodeFixture.binary], result: NodeFixture.number)])
        #expect(try await supervisor.deploy(node).status == 200)

        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                group.addTask {
                    if index % 2 == 0 {
                        let value = try await supervisor.call("dep-many", "fibo", "fibo", query: "param0=\(index)").json()["value"]
                        return (value as? NSNumber)?.int64Value == fibonacci(index)
                    }
                    let value = try await supervisor.call(
                        "dep-many", "stats", "mean", body: Fixtures.sixtyReadings, contentType: "application/octet-stream"
                    ).json()["value"]
                    return (value as? NSNumber)?.doubleValue == 30.5
                }
            }
            var correct = 0
            for try await ok in group where ok { correct += 1 }
            #expect(correct == 40)
        }
    }

    @Test func tokenGuardsDeployAndRegister() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo])
        let origin = try await files.start()
        let supervisor = try await startSupervisor(token: "s3cret")
        var node = NodeFixture(id: "dep-token")
        try node.fibo(at: origin, digest: false)

        #expect(try await supervisor.deploy(node).status == 401)
        #expect(try await supervisor.deploy(node, token: "wrong").status == 403)
        #expect(try await supervisor.deploy(node, token: "s3cret").status == 200)
        #expect(try await http(.DELETE, supervisor.base + "/deploy/dep-token").status == 401)
        let register = try json(["url": "http://127.0.0.1:9"])
        #expect(try await http(.POST, supervisor.base + "/register", body: register).status == 401)
        #expect(
            try await http(.POST, supervisor.base + "/register", body: register, headers: [("authorization", "Bearer s3cret")]).status == 200)
        // Calls and the description stay open, as wasmiot orchestrators expect.
        #expect(try await supervisor.call("dep-token", "fibo", "fibo", query: "param0=5").status == 200)
        #expect(try await http(.GET, supervisor.base + "/health").status == 200)
        #expect(
            try await http(.DELETE, supervisor.base + "/deploy/dep-token", headers: [("authorization", "Bearer s3cret")]).status == 200)
    }

    @Test func traversalAttemptsCreateNothingOutside() async throws {
        let files = FileServer(["files.wasm": try Fixtures.fileCombiner, "config.txt": Array("c".utf8)])
        let origin = try await files.start()
        let sandbox = TemporaryDirectory.make("traversal")
        let dataDirectory = sandbox + "/data"
        let supervisor = try await startSupervisor(dataDirectory: dataDirectory)

        for mount in ["../../escape.txt", "/tmp/escape.txt", "..", "a/b"] {
            var node = NodeFixture(id: "dep-trav")
            node.module(
                "files", url: origin + "/files.wasm", other: [mount: origin + "/config.txt"],
                functions: [.init(name: "combine", parameters: [], result: NodeFixture.integer, mounts: ["deployment": [mount]])])
            let answer = try await supervisor.deploy(node)
            #expect(answer.status == 400, "\(mount): \(answer.text)")
            #expect(!answer.text.contains(dataDirectory))
        }
        var bad = NodeFixture(id: "../../escape")
        bad.module("files", url: origin + "/files.wasm", functions: [])
        #expect(try await supervisor.deploy(bad).status == 400)

        var node = NodeFixture(id: "dep-trav")
        node.module(
            "files", url: origin + "/files.wasm", other: ["config.txt": origin + "/config.txt"],
            functions: [
                .init(
                    name: "combine", parameters: [], result: NodeFixture.integer,
                    mounts: ["deployment": ["config.txt"], "execution": ["input.txt"], "output": ["output.txt"]])
            ])
        #expect(try await supervisor.deploy(node).status == 200)
        for name in ["../../escape.txt", "../input.txt", "/tmp/escape.txt"] {
            let (form, type) = multipart(["input.txt": [1], name: Array("x".utf8)])
            let answer = try await supervisor.call("dep-trav", "files", "combine", body: form, contentType: type)
            #expect(answer.status == 400, "\(name): \(answer.text)")
        }
        let ok = try await supervisor.call(
            "dep-trav", "files", "combine", body: multipart(["input.txt": [65]]).0, contentType: multipart([:]).1
        ).json()
        let request = try #require(ok["requestId"] as? String)
        for path in ["..%2F..%2Fdevice-id", "%2E%2E", "..", "...%2Fetc"] {
            let answer = try await http(.GET, "\(supervisor.base)/request-history/\(request)/files/\(path)")
            #expect([400, 404].contains(answer.status), "\(path): \(answer.status)")
            #expect(!answer.text.contains("tide-"))
        }
        #expect(try await http(.GET, supervisor.base + "/..%2F..%2Fetc/modules/x/y").status != 200)
        let outside = try FileManager.default.contentsOfDirectory(atPath: sandbox)
        #expect(outside == ["data"])
        #expect(!FileManager.default.fileExists(atPath: "/tmp/escape.txt"))
    }

    @Test func memoryLimitAndHostCapabilities() async throws {
        let napper = try Fixtures.wat(
            """
            (module
              (import "sys" "delay" (func $delay (param i32)))
              (import "sys" "millis" (func $millis (result i64)))
              (memory (export "memory") 1)
              (func (export "nap") (param $ms i32) (result i64)
                (local $start i64)
                (local.set $start (call $millis))
                (call $delay (local.get $ms))
                (i64.sub (call $millis) (local.get $start)))
              (func (export "grow") (param $pages i32) (result i32) (memory.grow (local.get $pages))))
            """)
        let greedy = try Fixtures.wat("(module (memory (export \"memory\") 300))")
        let files = FileServer(["nap.wasm": napper, "greedy.wasm": greedy, "camera.wasm": try Fixtures.camera])
        let origin = try await files.start()
        let supervisor = try await startSupervisor(
            limits: ExecutionLimits(maxMemoryPages: 256, fuelPerCall: 50_000_000, deadline: .seconds(20)))

        var node = NodeFixture(id: "dep-nap")
        node.module(
            "nap", url: origin + "/nap.wasm",
            functions: [
                .init(name: "nap", parameters: [NodeFixture.integer], result: NodeFixture.integer),
                .init(name: "grow", parameters: [NodeFixture.integer], result: NodeFixture.integer),
            ])
        #expect(try await supervisor.deploy(node).status == 200)
        let nap = try await supervisor.call("dep-nap", "nap", "nap", query: "param0=20").json()
        #expect(((nap["value"] as? NSNumber)?.intValue ?? 0) >= 20, "\(nap)")
        // 100 ms of sleep costs 100 million units of fuel, more than the call has.
        let tooLong = try await supervisor.call("dep-nap", "nap", "nap", query: "param0=100").json()
        #expect(tooLong["success"] as? Bool == false)
        #expect((tooLong["error"] as? String)?.contains("fuel") == true, "\(tooLong)")
        // memory.grow past the limit answers -1 to the guest; within it, the old size.
        let refused = try await supervisor.call("dep-nap", "nap", "grow", query: "param0=300").json()
        #expect((refused["value"] as? NSNumber)?.intValue == -1)
        let granted = try await supervisor.call("dep-nap", "nap", "grow", query: "param0=10").json()
        #expect((granted["value"] as? NSNumber)?.intValue == 1)

        var tooBig = NodeFixture(id: "dep-greedy")
        tooBig.module("greedy", url: origin + "/greedy.wasm", functions: [])
        let greedyAnswer = try await supervisor.deploy(tooBig)
        #expect(greedyAnswer.status == 400, "\(greedyAnswer.text)")

        var camera = NodeFixture(id: "dep-camera")
        camera.module("camera-capture", url: origin + "/camera.wasm", functions: [])
        let noCamera = try await supervisor.deploy(camera)
        #expect(noCamera.status == 400)
        #expect(noCamera.text.contains("camera.image_size"), "\(noCamera.text)")
    }

    @Test func oversizedBodiesAreRefused() async throws {
        let configuration = SupervisorConfiguration(
            port: 0, dataDirectory: TemporaryDirectory.make(), heartbeatInterval: .zero, maxJSONBodyBytes: 2048,
            nodeLimits: DeploymentNodeLimits(maxBytes: 2048), maxCallBodyBytes: 4096)
        let supervisor = try await startServer { onRunning in
            try await SupervisorServer(configuration: configuration, logger: testLogger).run(handleSignals: false, onRunning: onRunning)
        }
        let big = [UInt8](repeating: 32, count: 10_000)
        #expect(try await http(.POST, supervisor.base + "/deploy", body: big).status == 413)
        #expect(try await http(.POST, supervisor.base + "/d/modules/m/f", body: big).status == 413)
    }
}

func fibonacci(_ n: Int) -> Int64 {
    var (a, b): (Int64, Int64) = (0, 1)
    for _ in 0..<n { (a, b) = (b, a &+ b) }
    return a
}
