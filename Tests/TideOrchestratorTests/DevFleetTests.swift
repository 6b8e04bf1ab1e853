import Foundation
import Testing
import TideModel

@Suite("tide dev")
struct DevFleetTests {
    @Test("a server and five simulated devices come up, alive, and manifests can be placed on them")
    func fleet() async throws {
        let directory = TemporaryDirectory.make()
        let dev = try await ChildProcess.startTide(
            ["dev", "--port", "{port}", "--data-dir", directory, "--registry", Repository.registry, "--log-level", "error"],
            readyPath: "/healthz")
        defer { dev.stop() }
        let base = "http://127.0.0.1:\(dev.port)"
        let common = ["--server", base, "--data-dir", directory]
        #expect(try await eventually(timeout: .seconds(15)) {
            let listed = try await TideProcess.run(["device", "ls", "--json"] + common)
            guard listed.status == 0 else { return false }
            let devices = try TideJSON.decoder().decode(DeviceList.self, from: Data(listed.stdout.utf8)).devices
            return devices.count == 5 && devices.allSatisfy { $0.status == .alive }
        })
        let listed = try await TideProcess.run(["device", "ls", "--json"] + common)
        let devices = try TideJSON.decoder().decode(DeviceList.self, from: Data(listed.stdout.utf8)).devices
        #expect(devices.map(\.name) == ["camera-gateway", "compute-node", "display", "edge-box", "sensor-node"])
        let camera = try #require(devices.first { $0.name == "camera-gateway" })
        #expect(camera.capabilities.interfaces.contains("take_image"))
        #expect(camera.capabilities.labels["zone"] == "lobby")

        for manifest in ["fibo.yaml", "temperature-stats.yaml", "lobby-camera.yaml", "wasmiot-fibo.json"] {
            let plan = try await TideProcess.run(["plan", Repository.root + "/manifests/" + manifest] + common)
            #expect(plan.status == 0, "\(manifest): \(plan.stderr)")
        }
        let camerasPlan = try await TideProcess.run(["plan", Repository.root + "/manifests/lobby-camera.yaml", "--json"] + common)
        let answer = try TideJSON.decoder().decode(PlanResponse.self, from: Data(camerasPlan.stdout.utf8))
        #expect(answer.plan.steps.first?.device == camera.id)
    }
}
