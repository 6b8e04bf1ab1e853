import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import Synchronization
import TideHTTP
import Testing
import TideModel
import TideSupervisor
@testable import TideTesting

@Suite(.stopsWhatItStarts) struct FleetTests {
    @Test func descriptionAndHealth() async throws {
        let plain = try await startSupervisor(profile: DeviceProfile(name: "plain"))
        let camera = try await startSupervisor(
            profile: DeviceProfile(
                name: "cam", labels: ["zone": "lobby"], peripherals: [.init(name: "cam0", kind: .camera)],
                simulatedMemoryBytes: 256 << 20, simulatedCPUName: "Sim A53", simulatedCPUClockHz: 1_200_000_000))

        let described = try await http(.GET, camera.base + "/.well-known/wasmiot-device-description")
        let parsed = try DeviceDescription(parsing: try JSONDecoder().decode(JSONValue.self, from: Data(described.body)))
        #expect(parsed.capabilities.memoryBytes == 256 << 20)
        #expect(parsed.capabilities.cpuName == "Sim A53")
        #expect(parsed.capabilities.cpuClockHz == 1_200_000_000)
        #expect(parsed.capabilities.labels == ["zone": "lobby"])
        #expect(parsed.reportedName == "cam")
        #expect(parsed.reportedID != nil)
        #expect(parsed.capabilities.interfaces.contains("take_image"))
        #expect(parsed.capabilities.interfaces.contains("fd_write"))
        #expect(parsed.capabilities.interfaces.contains("millis"))
        #expect(!parsed.capabilities.interfaces.contains("read_temperature"))
        let tide = try #require(try described.json()["tide"] as? [String: Any])
        #expect((tide["imports"] as? [String])?.contains("camera.take_image") == true)
        #expect((tide["imports"] as? [String])?.contains("wasi_snapshot_preview1.fd_write") == true)
        #expect(try await http(.GET, camera.base + "/no/such/endpoint").status == 404)
        #expect((tide["peripherals"] as? [[String: Any]])?.first?["simulated"] as? Bool == true)
        #expect((tide["runtime"] as? [String: Any])?["version"] as? String == "0.4.2")
        #expect(tide["supervisorVersion"] as? String == "0.1.0")

        let plainDescription = try await http(.GET, plain.base + "/.well-known/wasmiot-device-description").json()
        let interfaces = try #require(plainDescription["supervisorInterfaces"] as? [String])
        #expect(!interfaces.contains("take_image") && !interfaces.contains("image_size"))
        #expect(interfaces.contains("path_open"))

        let health = try await http(.GET, plain.base + "/health").json()
        let cpu = try #require((health["cpuUsage"] as? NSNumber)?.doubleValue)
        let memory = try #require((health["memoryUsage"] as? NSNumber)?.doubleValue)
        #expect((0...1).contains(cpu) && memory > 0 && memory <= 1)
    }

    @Test func stableIDAndRestartRestoresDeployments() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo, "mathlib.wasm": try Fixtures.mathlib, "classifier.wasm": try Fixtures.classifier])
        let origin = try await files.start()
        let dataDirectory = TemporaryDirectory.make()
        let first = try await startSupervisor(dataDirectory: dataDirectory)
        var node = NodeFixture(id: "dep-keep", generation: 4)
        try node.fibo(at: origin, digest: false)
        node.module("mathlib", url: origin + "/mathlib.wasm", functions: [])
        node.module(
            "classifier", url: origin + "/classifier.wasm", dependencies: ["mathlib"],
            functions: [.init(name: "score", parameters: [NodeFixture.number], result: NodeFixture.number)])
        #expect(try await first.deploy(node).status == 200)
        let firstID = try await http(.GET, first.base + "/.well-known/wasmiot-device-description").json()["tide"]
        await first.stop()
        await files.stop()

        let second = try await startSupervisor(dataDirectory: dataDirectory)
        let secondID = try await http(.GET, second.base + "/.well-known/wasmiot-device-description").json()["tide"]
        #expect((firstID as? [String: Any])?["id"] as? String == (secondID as? [String: Any])?["id"] as? String)
        let deployments = (secondID as? [String: Any])?["deployments"] as? [[String: Any]]
        #expect(deployments?.first?["id"] as? String == "dep-keep")
        #expect(deployments?.first?["generation"] as? Int == 4)
        let answer = try await second.call("dep-keep", "fibo", "fibo", query: "param0=11").json()
        #expect((answer["value"] as? NSNumber)?.intValue == 89)
        let score = try await second.call("dep-keep", "classifier", "score", query: "param0=0.5").json()
        #expect((score["value"] as? NSNumber)?.doubleValue == 0.5)
    }

    @Test func chainAcrossTwoSupervisors() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo, "sink.wasm": try Fixtures.sink])
        let origin = try await files.start()
        let upstream = try await startSupervisor()
        let downstream = try await startSupervisor()

        var sinkNode = NodeFixture(id: "dep-chain")
        sinkNode.module(
            "sink", url: origin + "/sink.wasm", supervisor: downstream.base,
            functions: [
                .init(name: "push", parameters: [NodeFixture.number], result: NodeFixture.integer),
                .init(name: "last", parameters: [], result: NodeFixture.number),
            ])
        #expect(try await downstream.deploy(sinkNode).status == 200)

        let next = DeploymentNode.Endpoint(
            url: downstream.base, path: "/dep-chain/modules/sink/push", method: "get",
            request: .init(parameters: [.init(name: "param0", schema: NodeFixture.number)]),
            response: .init(media_type: "application/json", schema: NodeFixture.integer))
        var fiboNode = NodeFixture(id: "dep-chain")
        fiboNode.module(
            "fibo", url: origin + "/fibo.wasm", supervisor: upstream.base,
            functions: [.init(name: "fibo", parameters: [NodeFixture.integer], result: NodeFixture.integer, to: next)])
        #expect(try await upstream.deploy(fiboNode).status == 200)

        let first = try await upstream.call("dep-chain", "fibo", "fibo", query: "param0=10").json()
        #expect(first["success"] as? Bool == true, "\(first)")
        let nextURL = try #require(first["chainedTo"] as? String)
        // As a wasmiot supervisor stores it: the bare URL, which a wasmiot orchestrator follows.
        #expect(first["result"] as? String == nextURL)
        #expect(nextURL.hasPrefix(downstream.base + "/request-history/"))
        var pushed: [String: Any] = [:]
        for _ in 0..<200 {
            pushed = try await http(.GET, nextURL).json()
            if pushed["status"] as? String != "pending" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect((pushed["value"] as? NSNumber)?.intValue == 1)
        let last = try await downstream.call("dep-chain", "sink", "last").json()
        #expect((last["value"] as? NSNumber)?.doubleValue == 55)
    }

    /// The wasmiot orchestrator's `/execute`: it calls the first device as its deployment says
    /// (here POST with the body `[object Object]`, what its fetch sends for a POST without a
    /// request body), then follows `resultUrl`, and every `result` that parses as a URL, until a
    /// result that does not: that is the answer. A 404 is retried (it waits 5 s; here 50 ms).
    static func executeAsTheWasmiotOrchestrator(_ url: String, method: HTTPMethod = .POST) async throws -> [String: Any] {
        var answer = method == .POST
            ? try await http(.POST, url, body: Array("[object Object]".utf8), headers: [("content-type", "text/plain;charset=UTF-8")])
            : try await http(method, url)
        var redirect = url
        for _ in 0..<400 {
            if answer.status == 404 {
                try await Task.sleep(for: .milliseconds(50))
            } else {
                #expect(answer.status == 200, "\(answer.text)")
                let json = try answer.json()
                if let result = json["result"], !(result is NSNull), json["status"] as? String != "error" {
                    guard let text = result as? String, let next = URL(string: text), next.scheme != nil, next.host != nil else {
                        return json
                    }
                    redirect = text
                } else if let error = json["error"] {
                    throw HarnessError("the chain failed: \(error)")
                } else if let next = json["resultUrl"] as? String {
                    redirect = next
                }
            }
            answer = try await http(.GET, redirect)
        }
        throw HarnessError("no final result")
    }

    @Test func theWasmiotOrchestratorsExecuteReachesTheEndOfAChain() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo])
        let origin = try await files.start()
        let upstream = try await startSupervisor()
        let downstream = try await startSupervisor()

        var last = NodeFixture(id: "dep-exec")
        last.module("second", url: origin + "/fibo.wasm", supervisor: downstream.base, functions: [
            .init(name: "fibo", parameters: [NodeFixture.integer], result: NodeFixture.integer)
        ])
        #expect(try await downstream.deploy(last).status == 200)
        let next = DeploymentNode.Endpoint(
            url: downstream.base, path: "/dep-exec/modules/second/fibo", method: "get",
            request: .init(parameters: [.init(name: "param0", schema: NodeFixture.integer)]),
            response: .init(media_type: "application/json", schema: NodeFixture.integer))
        var first = NodeFixture(id: "dep-exec")
        first.module("first", url: origin + "/fibo.wasm", supervisor: upstream.base, functions: [
            .init(name: "fibo", parameters: [NodeFixture.integer], result: NodeFixture.integer, to: next)
        ])
        #expect(try await upstream.deploy(first).status == 200)

        let final = try await Self.executeAsTheWasmiotOrchestrator(upstream.base + "/dep-exec/modules/first/fibo?param0=10")
        // fibo(fibo(10)) = fibo(55), as json.dumps writes it, where a wasmiot supervisor puts it.
        let result = try #require(final["result"] as? [Any])
        #expect(result.first as? String == "139583862445", "\(final)")
    }

    /// A node exactly as the wasmiot orchestrator's `createSolution` builds it: a Mongo id as the
    /// deployment id, `from` holding the step's own endpoint, the description's parameter and
    /// schema fields, `urls.other`, mounts grouped by stage.
    static func wasmiotOrchestratorNode(
        deployment: String, module: String, binary: String, device: String, next: [String: Any]?
    ) -> [String: Any] {
        let integer: [String: Any] = ["type": "integer", "format": "int64"]
        let endpoint: [String: Any] = [
            "url": device, "path": "/\(deployment)/modules/\(module)/fibo", "method": "get",
            "request": ["parameters": [[
                "name": "param0", "in": "query", "description": "Auto-generated description", "required": true, "schema": integer,
            ]]],
            "response": ["media_type": "application/json", "schema": integer],
        ]
        return [
            "deploymentId": deployment,
            "modules": [[
                "id": "6750c1f0e4b0a1b2c3d4e5f6", "name": module,
                "urls": ["binary": binary, "description": binary + ".description", "other": [String: Any]()],
            ]],
            "endpoints": [module: ["fibo": endpoint]],
            "instructions": ["modules": [module: ["fibo": ["from": endpoint, "to": next.map { $0 as Any } ?? NSNull()]]]],
            "mounts": [module: ["fibo": ["execution": [Any](), "deployment": [Any](), "output": [Any]()]]],
        ]
    }

    @Test func aChainDeployedAndExecutedAsTheWasmiotOrchestratorDoes() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo])
        let origin = try await files.start()
        let upstream = try await startSupervisor()
        let downstream = try await startSupervisor()
        let deployment = "6750c1f0e4b0a1b2c3d4e5f7"
        let second = Self.wasmiotOrchestratorNode(
            deployment: deployment, module: "fiboB", binary: origin + "/fibo.wasm", device: downstream.base, next: nil)
        let secondEndpoint = try #require(((second["endpoints"] as? [String: Any])?["fiboB"] as? [String: Any])?["fibo"] as? [String: Any])
        let first = Self.wasmiotOrchestratorNode(
            deployment: deployment, module: "fiboA", binary: origin + "/fibo.wasm", device: upstream.base, next: secondEndpoint)
        for (server, node) in [(downstream, second), (upstream, first)] {
            let answer = try await http(.POST, server.base + "/deploy", body: try json(node), headers: [("content-type", "application/json")])
            #expect(answer.status == 200, "\(answer.text)")
        }
        // Its schedule: the first endpoint with the inputs as query parameters, GET as described.
        let start = "\(upstream.base)/\(deployment)/modules/fiboA/fibo?param0=10"
        let final = try await Self.executeAsTheWasmiotOrchestrator(start, method: .GET)
        #expect((final["result"] as? [Any])?.first as? String == "139583862445", "\(final)")
    }

    @Test func cameraImageFlowsToTheClassifierOnAnotherDevice() async throws {
        let files = FileServer([
            "camera.wasm": try Fixtures.camera, "classifier.wasm": try Fixtures.classifier, "mathlib.wasm": try Fixtures.mathlib,
        ])
        let origin = try await files.start()
        let camera = try await startSupervisor(profile: DeviceProfile(name: "cam", peripherals: [.init(name: "cam0", kind: .camera)]))
        let gateway = try await startSupervisor(profile: DeviceProfile(name: "gateway"))

        var classify = NodeFixture(id: "lobby")
        classify.module("mathlib", url: origin + "/mathlib.wasm", supervisor: gateway.base, functions: [])
        classify.module(
            "classifier", url: origin + "/classifier.wasm", dependencies: ["mathlib"], supervisor: gateway.base,
            functions: [.init(name: "classify", parameters: [NodeFixture.binary], result: NodeFixture.integer)])
        #expect(try await gateway.deploy(classify).status == 200)

        let next = DeploymentNode.Endpoint(
            url: gateway.base, path: "/lobby/modules/classifier/classify", method: "post",
            request: .init(parameters: [.init(name: "param0", schema: NodeFixture.binary)]),
            response: .init(media_type: "application/json", schema: NodeFixture.integer))
        var capture = NodeFixture(id: "lobby")
        capture.module(
            "camera-capture", url: origin + "/camera.wasm", supervisor: camera.base,
            functions: [.init(name: "capture", parameters: [], result: NodeFixture.binary, to: next)])
        #expect(try await camera.deploy(capture).status == 200)

        let first = try await camera.call("lobby", "camera-capture", "capture").json()
        #expect(first["success"] as? Bool == true, "\(first)")
        let nextURL = try #require(first["chainedTo"] as? String)
        var classified: [String: Any] = [:]
        for _ in 0..<200 {
            classified = try await http(.GET, nextURL).json()
            if classified["status"] as? String != "pending" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect((classified["value"] as? NSNumber)?.intValue == 1, "\(classified)")
    }

    @Test func heartbeatsReachTheOrchestrator() async throws {
        let received = Mutex<[Heartbeat]>([])
        let orchestrator = try await startServer { onRunning in
            let router = Router()
            router.post("file/device/heartbeat") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 16)
                if let beat = try? TideJSON.decoder().decode(Heartbeat.self, from: Data(body.readableBytesView)) {
                    received.withLock { $0.append(beat) }
                }
                return Response(status: .ok)
            }
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: testLogger)
            try await GracefulServiceGroup.run(app, logger: testLogger)
        }
        let configured = try await startSupervisor(orchestrator: orchestrator.base, heartbeatInterval: .milliseconds(100))
        let registered = try await startSupervisor(heartbeatInterval: .milliseconds(100))
        #expect(
            try await http(.POST, registered.base + "/register", body: try json(["url": orchestrator.base + "/"])).status == 200)

        for _ in 0..<100 {
            let ports = Set(received.withLock { $0.compactMap(\.port) })
            if ports.contains(configured.port) && ports.contains(registered.port) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let beats = received.withLock { $0 }
        let beat = try #require(beats.first { $0.port == configured.port })
        #expect(beat.name == "test-device")
        #expect(beat.sentAt != nil)
        #expect((0...1).contains(beat.health.memoryUsage))
        #expect(beat.deployments == [])
        #expect(beats.contains { $0.port == registered.port })
    }
}
