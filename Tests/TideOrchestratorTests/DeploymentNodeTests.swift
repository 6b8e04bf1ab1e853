import Foundation
import Testing
import TideModel
@testable import TideTesting

/// What the orchestrator sends a device, checked on a wasmiot-like device that records it.
@Suite("Deployment nodes", .stopsWhatItStarts)
struct DeploymentNodeTests {
    @Test("a three-step chain on one device: step modules, the dependency, digests, chaining, mounts, generation")
    func lobbyCameraNode() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let device = try await FakeDevice.start(tideID: "tide-cam", imports: ["camera.take_image", "camera.image_size"])
        _ = try await server.client.addDevice(address: device.address)

        let yaml = try String(contentsOfFile: Repository.root + "/manifests/lobby-camera.yaml", encoding: .utf8)
        let applied = try await server.request(.POST, "/api/v1/deployments", body: yaml, contentType: "application/yaml")
        #expect(applied.status == 201, "\(applied.body)")
        let deployment = try TideJSON.decoder().decode(Deployment.self, from: Data(applied.body.utf8))
        #expect(deployment.status == .active)

        let node = try #require(device.receivedNodes.first)
        #expect(device.receivedNodes.count == 1)
        #expect(node["deploymentId"] == "lobby-camera")
        #expect(node["generation"] == .number(1))
        let modules = try #require(node["modules"]?.arrayValue)
        #expect(modules.compactMap { $0["name"]?.stringValue } == ["capture", "classify", "mathlib", "store"])
        let classify = try #require(modules.first { $0["name"] == "classify" })
        #expect(classify["id"] == "classifier@1.0.0")
        #expect(classify["dependencies"] == ["mathlib"])
        let classifier = try await server.client.packageVersion("classifier", "1.0.0")
        #expect(classify["sha256"]?["binary"]?.stringValue == classifier.module.sha256)
        let labels = try #require(classifier.files.first { $0.file == "labels" })
        #expect(classify["sha256"]?["other"]?["labels"]?.stringValue == labels.sha256)
        #expect(classify["urls"]?["binary"]?.stringValue == server.baseURL + "/file/module/classifier@1.0.0/wasm")
        #expect(classify["urls"]?["other"]?["labels"]?.stringValue == server.baseURL + "/file/module/classifier@1.0.0/labels")
        // The URLs in the node serve the bytes with that digest, without a token.
        let wasm = try await HTTPProbe.get(server.baseURL + "/file/module/classifier@1.0.0/wasm")
        #expect(wasm.status == 200)

        // capture -> classify -> store chain on the device; store is last.
        let instructions = try #require(node["instructions"]?["modules"])
        let base = "http://\(device.address)"
        #expect(instructions["capture"]?["capture"]?["to"]?["url"]?.stringValue == base)
        #expect(instructions["capture"]?["capture"]?["to"]?["path"] == "/lobby-camera/modules/classify/classify")
        #expect(instructions["classify"]?["classify"]?["to"]?["path"] == "/lobby-camera/modules/store/push")
        #expect(instructions["store"]?["push"]?["to"] == .null)
        let classifyEndpoint = try #require(node["endpoints"]?["classify"]?["classify"])
        #expect(classifyEndpoint["method"] == "post")
        #expect(classifyEndpoint["request"]?["parameters"]?.arrayValue?.first?["schema"] == ["type": "string", "format": "binary"])
        #expect(node["endpoints"]?["capture"]?["capture"]?["response"]?["media_type"] == "application/octet-stream")
        #expect(node["mounts"]?["classify"]?["classify"]?["deployment"] == ["labels"])

        // An unchanged update pushes nothing; removal deletes the node.
        let again = try await server.request(.POST, "/api/v1/deployments", body: yaml, contentType: "application/yaml")
        #expect(again.status == 200)
        #expect(device.receivedNodes.count == 1)
        let removed = try await server.request(.DELETE, "/api/v1/deployments/lobby-camera")
        #expect(removed.status == 200)
        #expect(device.removedDeployments == ["lobby-camera"])
    }
}
