import Foundation
import NIOHTTP1
import Testing
import TideSupervisor
@testable import TideTesting

@Suite(.stopsWhatItStarts) struct DeployAndCallTests {
    @Test func fiboAnswersIntegersExactly() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo])
        let origin = try await files.start()
        let supervisor = try await startSupervisor()

        var node = NodeFixture(id: "dep-fibo")
        try node.fibo(at: origin)
        let deployed = try await supervisor.deploy(node)
        #expect(deployed.status == 200, "\(deployed.text)")

        let ten = try await supervisor.call("dep-fibo", "fibo", "fibo", query: "param0=10").json()
        #expect(ten["success"] as? Bool == true)
        #expect((ten["result"] as? [Any])?.first as? String == "55")
        #expect((ten["value"] as? NSNumber)?.int64Value == 55)
        #expect(ten["finishedAt"] is String)
        #expect(ten["durationMs"] is NSNumber)

        let ninety = try await supervisor.call("dep-fibo", "fibo", "fibo", query: "param0=90")
        #expect(ninety.text.contains("\"value\":2880067194370816120"))
        #expect(try (ninety.json()["result"] as? [Any])?.first as? String == "2880067194370816120")

        // The asynchronous form answers with a resultUrl at once.
        let accepted = try await http(.GET, supervisor.base + "/dep-fibo/modules/fibo/fibo?param0=20").json()
        let resultURL = try #require(accepted["resultUrl"] as? String)
        #expect(resultURL.hasPrefix(supervisor.base + "/request-history/"))
        var entry: [String: Any] = [:]
        for _ in 0..<200 {
            entry = try await http(.GET, resultURL).json()
            if entry["status"] as? String != "pending" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect((entry["result"] as? [Any])?.first as? String == "6765")

        let preferred = try await http(.GET, supervisor.base + "/dep-fibo/modules/fibo/fibo?param0=7", headers: [("Prefer", "wait")]).json()
        #expect((preferred["value"] as? NSNumber)?.intValue == 13)

        // JSON bodies work too, by name or position.
        let byBody = try await supervisor.call(
            "dep-fibo", "fibo", "fibo", body: try json(["param0": 12]), contentType: "application/json"
        ).json()
        #expect((byBody["value"] as? NSNumber)?.intValue == 144)

        // Redeploying the same digest downloads nothing.
        #expect(files.hitCount("fibo.wasm") == 1)
        node.generation = 2
        #expect(try await supervisor.deploy(node).status == 200)
        #expect(files.hitCount("fibo.wasm") == 1)
        let description = try await http(.GET, supervisor.base + "/.well-known/wasmiot-device-description").json()
        let deployments = (description["tide"] as? [String: Any])?["deployments"] as? [[String: Any]]
        #expect(deployments?.first?["generation"] as? Int == 2)
    }

    @Test func floatsAndDependencyLinking() async throws {
        let files = FileServer(["mathlib.wasm": try Fixtures.mathlib, "classifier.wasm": try Fixtures.classifier])
        let origin = try await files.start()
        let supervisor = try await startSupervisor()

        var node = NodeFixture(id: "dep-classify")
        node.module(
            "mathlib", url: origin + "/mathlib.wasm",
            functions: [.init(name: "sigmoid", parameters: [NodeFixture.number], result: NodeFixture.number)])
        node.module(
            "classifier", url: origin + "/classifier.wasm", dependencies: ["mathlib"],
            functions: [
                .init(name: "score", parameters: [NodeFixture.number], result: NodeFixture.number),
                .init(name: "classify", parameters: [NodeFixture.binary], result: NodeFixture.integer),
            ])
        let deployed = try await supervisor.deploy(node)
        #expect(deployed.status == 200, "\(deployed.text)")

        let sigmoid = try await supervisor.call("dep-classify", "mathlib", "sigmoid", query: "param0=1").json()
        let value = try #require((sigmoid["value"] as? NSNumber)?.doubleValue)
        #expect(abs(value - 0.7310586) < 1e-6)

        let half = try await supervisor.call("dep-classify", "classifier", "score", query: "param0=0.5").json()
        #expect((half["value"] as? NSNumber)?.doubleValue == 0.5)

        let bright = try await supervisor.call(
            "dep-classify", "classifier", "classify", body: [UInt8](repeating: 250, count: 100),
            contentType: "application/octet-stream"
        ).json()
        #expect((bright["value"] as? NSNumber)?.intValue == 2)
        let dark = try await supervisor.call(
            "dep-classify", "classifier", "classify", body: [UInt8](repeating: 3, count: 100),
            contentType: "application/octet-stream"
        ).json()
        #expect((dark["value"] as? NSNumber)?.intValue == 0)
    }

    @Test func bytesThroughLinearMemory() async throws {
        let files = FileServer(["stats.wasm": try Fixtures.stats])
        let origin = try await files.start()
        let supervisor = try await startSupervisor()

        var node = NodeFixture(id: "dep-stats")
        node.module(
            "stats", url: origin + "/stats.wasm",
            functions: [
                .init(name: "mean", parameters: [NodeFixture.binary], result: NodeFixture.number),
                .init(name: "median", parameters: [NodeFixture.binary], result: NodeFixture.number),
            ])
        #expect(try await supervisor.deploy(node).status == 200)

        let mean = try await supervisor.call(
            "dep-stats", "stats", "mean", body: Fixtures.sixtyReadings, contentType: "application/octet-stream"
        ).json()
        #expect((mean["value"] as? NSNumber)?.doubleValue == 30.5)
        let (form, type) = multipart(["param0": Fixtures.sixtyReadings])
        let median = try await supervisor.call("dep-stats", "stats", "median", body: form, contentType: type).json()
        #expect((median["value"] as? NSNumber)?.doubleValue == 30.5)
        #expect((median["result"] as? [Any])?.first as? String == "30.5")

        // A length that is not a multiple of 4 traps: an error result, and the module keeps working.
        let trapped = try await supervisor.call(
            "dep-stats", "stats", "mean", body: [1, 2, 3], contentType: "application/octet-stream"
        ).json()
        #expect(trapped["success"] as? Bool == false)
        #expect((trapped["error"] as? String)?.contains("trapped") == true)
        let again = try await supervisor.call(
            "dep-stats", "stats", "mean", body: Fixtures.sixtyReadings, contentType: "application/octet-stream"
        ).json()
        #expect((again["value"] as? NSNumber)?.doubleValue == 30.5)
    }

    @Test func wasiFileMounts() async throws {
        let config = Array("threshold=3;".utf8)
        let files = FileServer(["files.wasm": try Fixtures.fileCombiner, "config.txt": config])
        let origin = try await files.start()
        let supervisor = try await startSupervisor()

        var node = NodeFixture(id: "dep-files")
        node.module(
            "files", url: origin + "/files.wasm", sha256: .init(binary: BlobCache.digest(of: try Fixtures.fileCombiner), other: ["config.txt": BlobCache.digest(of: config)]),
            other: ["config.txt": origin + "/config.txt"],
            functions: [
                .init(
                    name: "combine", parameters: [], result: NodeFixture.integer,
                    mounts: ["deployment": ["config.txt"], "execution": ["input.txt"], "output": ["output.txt"]])
            ])
        let deployed = try await supervisor.deploy(node)
        #expect(deployed.status == 200, "\(deployed.text)")

        let (form, type) = multipart(["input.txt": Array("hello".utf8)])
        let result = try await supervisor.call("dep-files", "files", "combine", body: form, contentType: type).json()
        #expect((result["value"] as? NSNumber)?.intValue == 17, "\(result)")
        let outputs = try #require(result["files"] as? [String: String])
        let url = try #require(outputs["output.txt"])
        #expect(((result["result"] as? [Any])?.last as? [String]) == [url])
        let downloaded = try await http(.GET, url)
        #expect(downloaded.text == "threshold=3;hello")

        // The execution file is required.
        let missing = try await supervisor.call("dep-files", "files", "combine", body: [], contentType: nil)
        #expect(missing.status == 400)
    }

    @Test func simulatedSensorAndCamera() async throws {
        let files = FileServer(["temperature.wasm": try Fixtures.temperature, "camera.wasm": try Fixtures.camera])
        let origin = try await files.start()
        let profile = DeviceProfile(
            name: "lab", labels: ["zone": "lab"],
            peripherals: [.init(name: "cam0", kind: .camera), .init(name: "env0", kind: .temperatureHumidity)])
        let supervisor = try await startSupervisor(profile: profile)

        var node = NodeFixture(id: "dep-sensors")
        node.module(
            "temperature", url: origin + "/temperature.wasm",
            functions: [
                .init(name: "read", parameters: [], result: NodeFixture.number),
                .init(name: "read_average", parameters: [NodeFixture.integer], result: NodeFixture.number),
            ])
        node.module(
            "camera-capture", url: origin + "/camera.wasm",
            functions: [
                .init(name: "capture", parameters: [], result: NodeFixture.binary),
                .init(name: "capture_size", parameters: [], result: NodeFixture.integer),
            ])
        let deployed = try await supervisor.deploy(node)
        #expect(deployed.status == 200, "\(deployed.text)")

        let reading = try await supervisor.call("dep-sensors", "temperature", "read").json()
        let celsius = try #require((reading["value"] as? NSNumber)?.doubleValue)
        #expect(celsius > 18 && celsius < 25)
        let average = try await supervisor.call("dep-sensors", "temperature", "read_average", query: "param0=60").json()
        #expect(abs(((average["value"] as? NSNumber)?.doubleValue ?? 0) - 21.5) < 0.5)

        let size = try await supervisor.call("dep-sensors", "camera-capture", "capture_size").json()
        #expect((size["value"] as? NSNumber)?.intValue == TestImage.pgm.count)
        let capture = try await supervisor.call("dep-sensors", "camera-capture", "capture").json()
        let imageURL = try #require((capture["files"] as? [String: String])?["result"])
        #expect((capture["result"] as? [Any])?.first as? String == "\"\(imageURL)\"")
        let image = try await http(.GET, imageURL)
        #expect(image.body == TestImage.pgm)
    }

    @Test func errorsForUnknownThingsAndBadBinaries() async throws {
        let fibo = try Fixtures.fibo
        let files = FileServer(["fibo.wasm": fibo, "truncated.wasm": Array(fibo.prefix(fibo.count / 2)), "fibo110.wasm": try Fixtures.fibo110])
        let origin = try await files.start()
        let dataDirectory = TemporaryDirectory.make()
        let supervisor = try await startSupervisor(dataDirectory: dataDirectory)

        var mismatch = NodeFixture(id: "dep-bad")
        mismatch.module("fibo", url: origin + "/fibo.wasm", sha256: .init(binary: String(repeating: "0", count: 64)), functions: [])
        let refused = try await supervisor.deploy(mismatch)
        #expect(refused.status == 400)
        #expect(refused.text.contains("SHA-256"))
        #expect(try await http(.GET, supervisor.base + "/dep-bad/modules/fibo/fibo?param0=1").status == 404)
        #expect(!FileManager.default.fileExists(atPath: dataDirectory + "/deployments/dep-bad"))

        var truncated = NodeFixture(id: "dep-bad")
        truncated.module("fibo", url: origin + "/truncated.wasm", functions: [])
        let invalid = try await supervisor.deploy(truncated)
        #expect(invalid.status == 400)
        #expect(invalid.text.contains("not a valid WebAssembly binary"))
        #expect(!invalid.text.contains(dataDirectory))

        var good = NodeFixture(id: "dep-good")
        good.module(
            "fibo", url: origin + "/fibo110.wasm",
            functions: [.init(name: "fibo_mod", parameters: [NodeFixture.integer, NodeFixture.integer], result: NodeFixture.integer)])
        #expect(try await supervisor.deploy(good).status == 200)
        #expect(try await http(.GET, supervisor.base + "/dep-good/modules/fibo/nothing?param0=1").status == 404)
        #expect(try await http(.GET, supervisor.base + "/dep-good/modules/nobody/fibo_mod?param0=1").status == 404)
        #expect(try await http(.GET, supervisor.base + "/dep-none/modules/fibo/fibo_mod?param0=1").status == 404)
        #expect(try await http(.GET, supervisor.base + "/dep-good/modules/fibo/alloc?param0=1").status == 404)
        #expect(try await http(.GET, supervisor.base + "/request-history/nope").status == 404)
        #expect(try await supervisor.call("dep-good", "fibo", "fibo_mod", query: "param0=10").status == 400)
        #expect(try await supervisor.call("dep-good", "fibo", "fibo_mod", query: "param0=ten&param1=3").status == 400)

        let exact = try await supervisor.call("dep-good", "fibo", "fibo_mod", query: "param0=100&param1=1000000007").json()
        #expect((exact["value"] as? NSNumber)?.intValue == 687_995_182)
        let trap = try await supervisor.call("dep-good", "fibo", "fibo_mod", query: "param0=10&param1=0").json()
        #expect(trap["success"] as? Bool == false)
        #expect((trap["error"] as? String)?.contains("trapped") == true)

        #expect(try await http(.DELETE, supervisor.base + "/deploy/dep-good").status == 200)
        #expect(try await http(.GET, supervisor.base + "/dep-good/modules/fibo/fibo_mod?param0=1&param1=2").status == 404)
        #expect(try await http(.DELETE, supervisor.base + "/deploy/dep-good").status == 404)
        #expect(!FileManager.default.fileExists(atPath: dataDirectory + "/deployments/dep-good"))
    }
}
