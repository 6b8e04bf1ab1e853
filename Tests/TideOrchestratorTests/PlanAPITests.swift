import Foundation
import Testing
import TideModel
@testable import TideTesting

@Suite("Dry-run placement of manifests", .stopsWhatItStarts)
struct PlanAPITests {
    func manifest(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Repository.root + "/manifests/" + name)))
    }

    @Test("steps go to capable devices; the others are rejected with their reason")
    func placement() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let sensor = try await FakeDevice.start(tideID: "node-sensor", imports: ["sensor.read_temperature", "sensor.read_humidity"])
        let plain = try await FakeDevice.start(tideID: "node-plain")
        _ = try await server.client.addDevice(address: sensor.address)
        _ = try await server.client.addDevice(address: plain.address)

        let fibo = try await server.client.plan(manifest: try manifest("fibo.yaml"), json: false)
        #expect(fibo.pins.map { "\($0.package)@\($0.version)" } == ["fibo@1.1.0"])
        #expect(fibo.plan.steps.count == 1)

        let pipeline = try await server.client.plan(manifest: try manifest("temperature-stats.yaml"), json: false)
        let read = try #require(pipeline.plan.steps.first { $0.step == "read" })
        #expect(read.device == DeviceID("node-sensor"))
        #expect(read.rejected.map(\.device) == [DeviceID("node-plain")])
        #expect(read.rejected.first?.reason.singular.contains("sensor.read_temperature") == true)
        #expect(pipeline.pins.first { $0.step == "read" }?.needs == ["sensor.read_temperature"])

        // The wasmiot form is accepted too.
        let wasmiot = try await server.client.plan(manifest: try manifest("wasmiot-fibo.json"), json: true)
        #expect(!wasmiot.plan.steps.isEmpty)
    }

    @Test("unplaceable steps, unknown functions and bad manifests: 422 with the reasons, and the CLI table")
    func failures() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let plain = try await FakeDevice.start(tideID: "node-plain-2")
        _ = try await server.client.addDevice(address: plain.address)

        let camera = "name: cam\nsteps:\n  - name: capture\n    module: camera-capture@^1\n    function: capture\n"
        let unplaceable = try await server.request(.POST, "/api/v1/plan", body: camera, contentType: "application/yaml")
        #expect(unplaceable.status == 422)
        #expect(errorOf(unplaceable.body)?.code == "unplaceable")
        #expect(errorOf(unplaceable.body)?.message.hasPrefix("step capture cannot be placed: 1 device") == true, "\(unplaceable.body)")

        let wrongFunction = "name: f\nsteps:\n  - name: one\n    module: fibo@^1\n    function: nope\n"
        let unknown = try await server.request(.POST, "/api/v1/plan", body: wrongFunction, contentType: "application/yaml")
        #expect(unknown.status == 422)
        #expect(errorOf(unknown.body)?.message == "step one: fibo 1.1.0 has no function nope (it has: fibo, fibo_mod)")

        let broken = "name: f\nsteps:\n  - name: one\n    module: fibo@^^1\n    function: fibo\n"
        let invalid = try await server.request(.POST, "/api/v1/plan", body: broken, contentType: "application/yaml")
        #expect(invalid.status == 422)
        #expect(errorOf(invalid.body)?.code == "invalid_manifest")
        #expect(errorOf(invalid.body)?.message.contains("line 4") == true, "\(invalid.body)")
        #expect(errorOf(invalid.body)?.message.hasPrefix("manifest.yaml line 4") == true, "\(invalid.body)")

        // Errors name the operator's file when the client says which it is (the CLI does).
        let named = try await server.request(.POST, "/api/v1/plan?file=lobby%20v2.yaml", body: broken, contentType: "application/yaml")
        #expect(named.status == 422)
        #expect(errorOf(named.body)?.message.hasPrefix("lobby v2.yaml line 4") == true, "\(named.body)")
        for bad in ["..%2Fetc%2Fpasswd", "a%0Ab.yaml", "..", String(repeating: "x", count: 256)] {
            let refused = try await server.request(.POST, "/api/v1/plan?file=\(bad)", body: broken, contentType: "application/yaml")
            #expect(refused.status == 400, "\(bad): \(refused.body)")
            #expect(errorOf(refused.body)?.message == "file must be a file name: no slashes or control characters, at most 255 characters")
        }
        let directory = TemporaryDirectory.make()
        let file = directory + "/broken-fibo.yaml"
        try Data(broken.utf8).write(to: URL(fileURLWithPath: file))
        let common = ["--server", server.baseURL, "--data-dir", server.dataDirectory]
        let planned = try await TideProcess.run(["plan", file] + common)
        #expect(planned.status != 0 && planned.stderr.contains("broken-fibo.yaml line 4"), "\(planned.stderr)")
        let applied = try await TideProcess.run(["deploy", "apply", file] + common)
        #expect(applied.status != 0 && applied.stderr.contains("broken-fibo.yaml line 4"), "\(applied.stderr)")
        #expect(try server.store().deployments().isEmpty, "nothing was stored")

        let table = try await TideProcess.run(["plan", Repository.root + "/manifests/fibo.yaml", "--server", server.baseURL, "--data-dir", server.dataDirectory])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.hasPrefix("STEP"))
        #expect(table.stdout.contains("fibo@1.1.0") && table.stdout.contains("node-plain-2"))
    }
}
