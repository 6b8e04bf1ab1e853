import Foundation
import Testing
import TideModel
@testable import TideTesting

@Suite("tide dev", .stopsWhatItStarts)
struct DevFleetTests {
    @Test("a server and five simulated devices come up, alive, and manifests can be placed on them")
    func fleet() async throws {
        let directory = TemporaryDirectory.make()
        let dev = try await ChildProcess.startTide(
            ["dev", "--port", "{port}", "--data-dir", directory, "--registry", Repository.registry, "--log-level", "error"],
            readyPath: "/healthz", scheme: "https")
        defer { dev.stop() }
        // HTTPS by default: the CLI trusts the fleet CA it finds in --data-dir.
        let base = "https://127.0.0.1:\(dev.port)"
        let http = try HTTPProbe.trusting(caFile: directory + "/tls/ca.pem")
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

        let manifests = try FileManager.default.contentsOfDirectory(atPath: Repository.root + "/manifests").sorted()
        #expect(manifests == [
            "fibo-dag.yaml", "fibo-fleet.yaml", "fibo.yaml", "liquid-counter.yaml", "lobby-camera.yaml", "temperature-stats.yaml",
            "wasmiot-fibo.json",
        ])
        for manifest in manifests {
            let plan = try await TideProcess.run(["plan", Repository.root + "/manifests/" + manifest] + common)
            #expect(plan.status == 0, "\(manifest): \(plan.stderr)")
        }
        let camerasPlan = try await TideProcess.run(["plan", Repository.root + "/manifests/lobby-camera.yaml", "--json"] + common)
        let answer = try TideJSON.decoder().decode(PlanResponse.self, from: Data(camerasPlan.stdout.utf8))
        #expect(answer.plan.steps.first?.device == camera.id)
        // fibo-dag.yaml: "one source fans out to two steps on different devices" (right prefers spread).
        let dagPlan = try await TideProcess.run(["plan", Repository.root + "/manifests/fibo-dag.yaml", "--json"] + common)
        let dag = try TideJSON.decoder().decode(PlanResponse.self, from: Data(dagPlan.stdout.utf8)).plan
        let left = try #require(dag.steps.first { $0.step == "left" })
        let right = try #require(dag.steps.first { $0.step == "right" })
        #expect(left.device != right.device, "\(dagPlan.stdout)")
        #expect(right.breakdown.contains { $0.scorer == "spread" && $0.score == 1 }, "\(right.breakdown)")

        // Every example manifest deploys and runs, with the right result.
        let token = try String(contentsOfFile: directory + "/operator.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let runs: [(file: String, name: String, inputs: String, check: @Sendable (JSONValue?) -> Bool)] = [
            ("fibo.yaml", "fibo", #"{"n": 10}"#, { $0 == .number(55) }),
            ("temperature-stats.yaml", "temperature-stats", #"{"samples": 60}"#, { value in
                // The simulated sensor reads 21.5 +- 2.7 degrees; the mean is in hundredths.
                guard let mean = value?.numberValue else { return false }
                return (1900...2400).contains(mean)
            }),
            ("lobby-camera.yaml", "lobby-camera", "{}", { $0 == .number(1) }),
            ("fibo-dag.yaml", "fibo-dag", #"{"n": 6}"#, { $0 == .number(5) }),
            ("liquid-counter.yaml", "tally", "{}", { $0 == .number(1) }),
        ]
        for run in runs {
            let yaml = try String(contentsOfFile: Repository.root + "/manifests/" + run.file, encoding: .utf8)
            let applied = try await HTTPProbe.post(base + "/api/v1/deployments", json: yaml, contentType: "application/yaml", token: token, client: http)
            #expect(applied.status == 201, "\(run.file): \(applied.body)")
            let deployment = try TideJSON.decoder().decode(Deployment.self, from: Data(applied.body.utf8))
            #expect(deployment.status == .active, "\(run.file): \(deployment.reason ?? "")")
            let answer = try await HTTPProbe.post(base + "/api/v1/deployments/\(run.name)/run", json: #"{"inputs": \#(run.inputs)}"#, token: token, client: http)
            let result = try TideJSON.decoder().decode(RunResult.self, from: Data(answer.body.utf8))
            #expect(result.success && run.check(result.result), "\(run.file): \(answer.body)")
            #expect(result.steps.count == deployment.steps.count)
            if run.name == "fibo-dag" {
                #expect(deployment.step("left")?.device != deployment.step("right")?.device, "\(deployment.steps)")
            }
        }
        // The camera pipeline runs where the camera is.
        let camerasRun = try await HTTPProbe.post(base + "/api/v1/deployments/lobby-camera/run", json: "{}", token: token, client: http)
        let cameraResult = try TideJSON.decoder().decode(RunResult.self, from: Data(camerasRun.body.utf8))
        let cameraSteps = cameraResult.steps
        #expect(cameraSteps.first?.device == camera.id)
        #expect(cameraSteps.dropFirst().first.flatMap { $0.value?.numberValue }.map { (0...2).contains($0) } == true)
        // The classifier's value comes with its class (registry/classifier: result-labels), the result with its step.
        let classify = try #require(cameraSteps.first { $0.step == "classify" })
        let classes = ["dark", "medium", "bright"]
        #expect(classify.label.map(classes.contains) == true, "\(camerasRun.body)")
        #expect(classify.value?.numberValue.flatMap { classes.indices.contains(Int($0)) ? classes[Int($0)] : nil } == classify.label)
        #expect(cameraResult.resultStep == "store")
        let cliCamera = try await TideProcess.run(["run", "lobby-camera"] + common)
        #expect(cliCamera.status == 0, "\(cliCamera.stderr)")
        #expect(cliCamera.stdout.contains("  (from step store)"), "\(cliCamera.stdout)")
        #expect(classes.contains { cliCamera.stdout.contains(" (\($0))") }, "\(cliCamera.stdout)")

        // The same through the CLI: apply again (unchanged: same generation, nothing pushed), run, list, remove.
        let reapplied = try await TideProcess.run(["deploy", "apply", Repository.root + "/manifests/fibo.yaml"] + common)
        #expect(reapplied.status == 0, "\(reapplied.stderr)")
        #expect(reapplied.stdout.contains("deployment fibo unchanged (generation 1)"), "\(reapplied.stdout)")
        #expect(reapplied.stdout.contains("fibo: active, generation 1"), "\(reapplied.stdout)")
        let cliRun = try await TideProcess.run(["run", "fibo", "n=12"] + common)
        #expect(cliRun.status == 0 && cliRun.stdout.contains("result: 144"), "\(cliRun.stdout) \(cliRun.stderr)")
        let badInput = try await TideProcess.run(["run", "fibo", "m=3"] + common)
        #expect(badInput.status != 0 && badInput.stderr.contains("unknown input(s) m"), "\(badInput.stderr)")
        let cliList = try await TideProcess.run(["deploy", "ls"] + common)
        #expect(cliList.stdout.contains("lobby-camera") && cliList.stdout.contains("active"), "\(cliList.stdout)")
        // Human output names each device next to its id.
        let cameraLabel = "camera-gateway (\(camera.id))"
        let labels = devices.map { "\($0.name) (\($0.id))" }
        #expect(labels.contains { cliRun.stdout.contains("  \($0)  ") }, "\(cliRun.stdout)")
        #expect(cliList.stdout.contains("capture->\(cameraLabel)"), "\(cliList.stdout)")
        let shown = try await TideProcess.run(["deploy", "show", "lobby-camera"] + common)
        #expect(shown.stdout.contains("  \(cameraLabel)  "), "\(shown.stdout)")
        let planned = try await TideProcess.run(["plan", Repository.root + "/manifests/lobby-camera.yaml"] + common)
        #expect(planned.stdout.contains("  \(cameraLabel)  "), "\(planned.stdout)")
        let cameraEvents = try await TideProcess.run(["events", "--device", camera.id.rawValue] + common)
        #expect(cameraEvents.stdout.contains("  device.registered  \(cameraLabel)  "), "\(cameraEvents.stdout)")
        let removed = try await TideProcess.run(["deploy", "rm", "fibo"] + common)
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try await TideProcess.run(["deploy", "show", "fibo"] + common).status != 0)

        // The wasmiot form, through the wasmiot routes: store, deploy, execute.
        let wasmiot = try String(contentsOfFile: Repository.root + "/manifests/wasmiot-fibo.json", encoding: .utf8)
        let stored = try await HTTPProbe.post(base + "/file/manifest", json: wasmiot, token: token, client: http)
        #expect(stored.status == 201, "\(stored.body)")
        let id = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(stored.body.utf8))["id"]?.stringValue)
        let deployed = try await HTTPProbe.post(base + "/file/manifest/\(id)", json: "", token: token, client: http)
        #expect(deployed.status == 200, "\(deployed.body)")
        let executed = try await HTTPProbe.post(base + "/execute/\(id)?param0=20", json: "", token: token, client: http)
        #expect(try TideJSON.decoder().decode(RunResult.self, from: Data(executed.body.utf8)).result == .number(6765), "\(executed.body)")

        // Storing the same manifest again must not stage a generation the devices do not run.
        let restaged = try await HTTPProbe.post(base + "/file/manifest", json: wasmiot, token: token, client: http)
        #expect(restaged.status == 409, "\(restaged.body)")
        #expect(restaged.body.contains("deployment \(id) already exists (active, generation 1); update it with tide deploy apply"), "\(restaged.body)")
        let kept = try TideJSON.decoder().decode(Deployment.self, from: Data(try await HTTPProbe.get(base + "/file/manifest/\(id)", token: token, client: http).body.utf8))
        #expect(kept.status == .active && kept.generation == 1)
        let again = try await HTTPProbe.post(base + "/execute/\(id)?param0=20", json: "", token: token, client: http)
        #expect(try TideJSON.decoder().decode(RunResult.self, from: Data(again.body.utf8)).result == .number(6765), "\(again.body)")
    }
}
