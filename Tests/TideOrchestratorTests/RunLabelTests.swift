import Foundation
import Testing
import TideModel
import TideSupervisor
@testable import TideTesting

/// A run names what a step's value means when its package labels the function's results.
@Suite("run labels", .stopsWhatItStarts)
struct RunLabelTests {
    static let manifest = """
        name: lobby
        steps:
          - name: capture
            module: camera-capture@^1.0
            function: capture
          - name: classify
            module: classifier@~1.0
            function: classify
        """

    @Test("the classifier's step carries the label of its class, and the run says which step the result is from")
    func classifyIsLabelled() async throws {
        let server = try await TestServer.start(heartbeatTimeout: .seconds(10), bundledRegistry: Repository.registry)
        _ = try await startSupervisor(
            profile: DeviceProfile(name: "cam", peripherals: [.init(name: "cam0", kind: .camera)], simulatedMemoryBytes: 1 << 30),
            token: server.fleetToken, orchestrator: server.baseURL, heartbeatInterval: .milliseconds(500))
        #expect(try await eventually(timeout: .seconds(15)) { try await server.client.devices(status: .alive).count == 1 })
        let deployment = try await server.client.apply(manifest: Array(Self.manifest.utf8), json: false)
        #expect(deployment.status == .active, "\(deployment.reason ?? "")")

        let labels = ["dark", "medium", "bright"]
        for _ in 0..<2 {
            let run = try await server.client.run("lobby")
            #expect(run.success, "\(run.error ?? "")")
            #expect(run.resultStep == "classify")
            let capture = try #require(run.steps.first { $0.step == "capture" })
            #expect(capture.label == nil, "a bytes result has no label")
            let classify = try #require(run.steps.first { $0.step == "classify" })
            let value = try #require(classify.value?.numberValue)
            #expect(classify.label == (labels.indices.contains(Int(value)) ? labels[Int(value)] : nil), "\(value) is labelled \(classify.label ?? "nothing")")
        }
    }
}
