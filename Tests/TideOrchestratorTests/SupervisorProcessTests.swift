import Foundation
import Testing
import TideModel
@testable import TideTesting

/// Real `tide supervisor` processes against a real orchestrator.
@Suite("Supervisor processes with the orchestrator", .serialized, .stopsWhatItStarts)
struct ChildProcessTests {
    func supervisor(_ name: String, orchestrator: String, token: String? = nil) async throws -> ChildProcess {
        try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--name", name, "--data-dir", TemporaryDirectory.make(),
            "--orchestrator", orchestrator, "--log-level", "warning",
        ] + (token.map { ["--token", $0] } ?? []))
    }

    @Test("supervisors register by heartbeat; SIGKILL and SIGSTOP make them dead, SIGCONT alive (goals in tide-bench failover)")
    func detection() async throws {
        let server = try await TestServer.start(probeInterval: .seconds(1), probeTimeout: .milliseconds(800))
        let first = try await supervisor("sup-kill", orchestrator: server.baseURL, token: server.fleetToken)
        let second = try await supervisor("sup-stop", orchestrator: server.baseURL, token: server.fleetToken)
        let outsider = try await supervisor("sup-outsider", orchestrator: server.baseURL)
        defer {
            first.stop()
            second.stop()
            outsider.stop()
        }
        #expect(try await eventually(timeout: .seconds(10)) { try await server.client.devices(status: .alive).count == 2 })
        // Without the fleet token a supervisor's heartbeats are refused, and it says why.
        #expect(try await eventually(timeout: .seconds(10)) {
            outsider.output().contains("answered HTTP 401: heartbeats need the fleet's supervisor token")
        }, "\(outsider.output())")
        let devices = try await server.client.devices()
        let killed = try #require(devices.first { $0.name == "sup-kill" })
        let stopped = try #require(devices.first { $0.name == "sup-stop" })
        #expect(killed.port == first.port)
        #expect(killed.capabilities.interfaces.contains("fd_write"))

        first.signal(SIGKILL)
        let killedAt = ContinuousClock.now
        #expect(try await eventually(timeout: .seconds(20)) { try await server.client.device(killed.id).status == .dead })
        #expect(ContinuousClock.now - killedAt < .seconds(15))

        second.signal(SIGSTOP)
        let stoppedAt = ContinuousClock.now
        #expect(try await eventually(timeout: .seconds(40)) { try await server.client.device(stopped.id).status == .dead })
        #expect(ContinuousClock.now - stoppedAt < .seconds(30))
        second.signal(SIGCONT)
        #expect(try await eventually(timeout: .seconds(5)) { try await server.client.device(stopped.id).status == .alive })
    }

    @Test("a chain across two supervisor processes: fibo on one, sink on the other")
    func chain() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let producer = try await supervisor("sup-producer", orchestrator: server.baseURL)
        let consumer = try await supervisor("sup-consumer", orchestrator: server.baseURL)
        defer {
            producer.stop()
            consumer.stop()
        }
        let fibo = try await server.client.packageVersion("fibo", "1.0.0")
        let sink = try await server.client.packageVersion("sink", "1.0.0")
        let producerURL = "http://127.0.0.1:\(producer.port)"
        let consumerURL = "http://127.0.0.1:\(consumer.port)"
        let pushEndpoint = #"{"url": "\#(consumerURL)", "path": "/chain-1/modules/sink/push", "method": "post", "request": {"parameters": [{"name": "param0", "in": "query", "required": true, "schema": {"type": "number"}}]}, "response": {"media_type": "application/json", "schema": {"type": "integer"}}}"#
        let fiboEndpoint = #"{"url": "\#(producerURL)", "path": "/chain-1/modules/fibo/fibo", "method": "get", "request": {"parameters": [{"name": "param0", "in": "query", "required": true, "schema": {"type": "integer"}}]}, "response": {"media_type": "application/json", "schema": {"type": "integer"}}}"#
        let lastEndpoint = #"{"url": "\#(consumerURL)", "path": "/chain-1/modules/sink/last", "method": "get", "request": {"parameters": []}, "response": {"media_type": "application/json", "schema": {"type": "number"}}}"#
        let consumerNode = #"{"deploymentId": "chain-1", "modules": [{"id": "sink@1.0.0", "name": "sink", "urls": {"binary": "\#(server.baseURL)/file/module/sink@1.0.0/wasm", "description": "\#(server.baseURL)/file/module/sink@1.0.0/description", "other": {}}, "sha256": {"binary": "\#(sink.module.sha256)"}}], "endpoints": {"sink": {"push": \#(pushEndpoint), "last": \#(lastEndpoint)}}, "instructions": {"modules": {"sink": {"push": {"from": \#(pushEndpoint), "to": null}, "last": {"from": \#(lastEndpoint), "to": null}}}}, "mounts": {}, "generation": 1}"#
        let producerNode = #"{"deploymentId": "chain-1", "modules": [{"id": "fibo@1.0.0", "name": "fibo", "urls": {"binary": "\#(server.baseURL)/file/module/fibo@1.0.0/wasm", "description": "\#(server.baseURL)/file/module/fibo@1.0.0/description", "other": {}}, "sha256": {"binary": "\#(fibo.module.sha256)"}}], "endpoints": {"fibo": {"fibo": \#(fiboEndpoint)}}, "instructions": {"modules": {"fibo": {"fibo": {"from": \#(fiboEndpoint), "to": \#(pushEndpoint)}}}}, "mounts": {}, "generation": 1}"#

        let deployedConsumer = try await HTTPProbe.post(consumerURL + "/deploy", json: consumerNode)
        #expect((200..<300).contains(deployedConsumer.status), "\(deployedConsumer.body)")
        let deployedProducer = try await HTTPProbe.post(producerURL + "/deploy", json: producerNode)
        #expect((200..<300).contains(deployedProducer.status), "\(deployedProducer.body)")

        let call = try await HTTPProbe.get(producerURL + "/chain-1/modules/fibo/fibo?param0=10")
        #expect(call.status == 200, "\(call.body)")
        let resultURL = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(call.body.utf8))["resultUrl"]?.stringValue)
        // Follow the chain link by link until a final result.
        var final: JSONValue?
        #expect(try await eventually(timeout: .seconds(10)) {
            var url = resultURL
            for _ in 0..<5 {
                let answer = try await HTTPProbe.get(url)
                guard answer.status == 200, let entry = try? JSONDecoder().decode(JSONValue.self, from: Data(answer.body.utf8)),
                    entry["success"] == .bool(true), let result = entry["result"]
                else { return false }
                // wasmiot semantics: a chained step's result is the next resultUrl, bare; a last
                // step's is [<value as JSON text>, <files>].
                if let next = result.stringValue {
                    url = next
                    continue
                }
                guard let text = result.arrayValue?.first?.stringValue else { return false }
                final = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
                return true
            }
            return false
        })
        // sink.push returns how many values it holds: the producer's output reached it.
        #expect(final == 1, "final: \(String(describing: final))")
        let count = try await HTTPProbe.get(consumerURL + "/chain-1/modules/sink/last?wait=true")
        #expect(count.body.contains("55"), "\(count.body)")
    }

    @Test("a supervisor hands back its start-up pages and keeps deploying, running and heartbeating")
    func startupPagesReleased() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let device = try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--name", "sup-lean", "--data-dir", TemporaryDirectory.make(),
            "--orchestrator", server.baseURL, "--token", server.fleetToken, "--release-startup-pages-after", "0.5",
            "--log-level", "info",
        ])
        defer {
            device.stop()
        }
        #expect(try await eventually(timeout: .seconds(10)) { device.output().contains("of start-up pages") })
        // "released 36.7 MiB of start-up pages; resident 43.5 MiB -> 9.1 MiB"
        let line = try #require(device.output().split(separator: "\n").first { $0.contains("of start-up pages") })
        let sizes = line.split(separator: " ").enumerated().compactMap { index, word -> Double? in
            index > 0 && Double(word) != nil ? Double(word) : nil
        }
        #expect(sizes.count == 3, "\(line)")
        if sizes.count == 3 { #expect(sizes[2] < sizes[1], "resident memory went down: \(line)") }

        let fibo = try await server.client.packageVersion("fibo", "1.0.0")
        let url = "http://127.0.0.1:\(device.port)"
        let endpoint = #"{"url": "\#(url)", "path": "/lean/modules/fibo/fibo", "method": "get", "request": {"parameters": [{"name": "param0", "in": "query", "required": true, "schema": {"type": "integer"}}]}, "response": {"media_type": "application/json", "schema": {"type": "integer"}}}"#
        let node = #"{"deploymentId": "lean", "modules": [{"id": "fibo@1.0.0", "name": "fibo", "urls": {"binary": "\#(server.baseURL)/file/module/fibo@1.0.0/wasm", "description": "\#(server.baseURL)/file/module/fibo@1.0.0/description", "other": {}}, "sha256": {"binary": "\#(fibo.module.sha256)"}}], "endpoints": {"fibo": {"fibo": \#(endpoint)}}, "instructions": {"modules": {"fibo": {"fibo": {"from": \#(endpoint), "to": null}}}}, "mounts": {}, "generation": 1}"#
        let deployed = try await HTTPProbe.post(url + "/deploy", json: node, token: server.fleetToken)
        #expect((200..<300).contains(deployed.status), "\(deployed.body)")
        let call = try await HTTPProbe.get(url + "/lean/modules/fibo/fibo?param0=10&wait=true")
        #expect(call.status == 200 && call.body.contains("\"value\":55"), "\(call.body)")
        #expect(try await eventually(timeout: .seconds(5)) { try await server.client.devices(status: .alive).map(\.name) == ["sup-lean"] })
    }

    @Test("a negative --release-startup-pages-after is refused before anything starts")
    func negativeReleaseDelay() async throws {
        let directory = TemporaryDirectory.make()
        let refused = try await TideProcess.run([
            "supervisor", "--port", "0", "--data-dir", directory, "--release-startup-pages-after=-1",
        ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--release-startup-pages-after must be at least 0"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/device-id"), "no device identity was created")
    }

    @Test("seconds that are not finite or beyond a year are refused with the option's name, not a crash")
    func unboundedSeconds() async throws {
        let cases: [([String], String)] = [
            (["supervisor", "--port", "0", "--data-dir", TemporaryDirectory.make(), "--call-timeout", "inf"],
             "--call-timeout must be a number of seconds up to 31536000 (a year), not inf"),
            (["supervisor", "--port", "0", "--data-dir", TemporaryDirectory.make(), "--heartbeat-interval", "1e300"],
             "--heartbeat-interval must be a number of seconds up to 31536000 (a year), not 1e+300"),
            (["server", "--port", "0", "--data-dir", TemporaryDirectory.make(), "--probe-interval", "nan"],
             "--probe-interval must be a number of seconds up to 31536000 (a year), not nan"),
            (["server", "--port", "0", "--data-dir", TemporaryDirectory.make(), "--mass-failure-limit=-1"],
             "--mass-failure-limit must be 0 (no limit) or more"),
        ]
        for (arguments, message) in cases {
            let refused = try await TideProcess.run(arguments)
            #expect(refused.status == 64, "\(arguments): \(refused.status) \(refused.stderr)")
            #expect(refused.stderr.contains(message), "\(refused.stderr)")
        }
    }
}
