import Foundation
import Testing
import TideModel
import TideSigning
import WasmKit

@testable import TideSupervisor
@testable import TideTesting

@Suite(.stopsWhatItStarts) struct CoreTests {
    @Test func safeNamesRejectTraversal() {
        for bad in ["", "..", ".", "../etc", "/etc/passwd", "a/b", ".hidden", "a\\b", "a b", "x\u{0}y", String(repeating: "a", count: 129)] {
            #expect(!SafeName.isValid(bad), "\(bad) should be invalid")
        }
        for good in ["data.txt", "camera-capture", "fibo_mod", "0123456789abcdef", "a..b"] {
            #expect(SafeName.isValid(good))
        }
    }

    @Test func argumentsAreCastToTheExportTypes() throws {
        #expect(try ArgumentCaster.cast("42", to: .i32, name: "p") == .i32(42))
        #expect(try ArgumentCaster.cast("-1", to: .i32, name: "p") == .i32(UInt32.max))
        #expect(try ArgumentCaster.cast("3.0", to: .i32, name: "p") == .i32(3))
        #expect(try ArgumentCaster.cast("2880067194370816120", to: .i64, name: "p") == .i64(2_880_067_194_370_816_120))
        #expect(try ArgumentCaster.cast("0.5", to: .f32, name: "p") == .f32(Float(0.5).bitPattern))
        #expect(try ArgumentCaster.cast("1e3", to: .f64, name: "p") == .f64(Double(1000).bitPattern))
        #expect(throws: SupervisorError.self) { try ArgumentCaster.cast("4294967296", to: .i32, name: "p") }
        #expect(throws: SupervisorError.self) { try ArgumentCaster.cast("1.5", to: .i64, name: "p") }
        #expect(throws: SupervisorError.self) { try ArgumentCaster.cast("abc", to: .f64, name: "p") }
    }

    @Test func resultsKeepIntegersExactAndFloatsShort() {
        #expect(ArgumentCaster.result(.i64(2_880_067_194_370_816_120)).jsonText == "2880067194370816120")
        #expect(ArgumentCaster.result(.i32(UInt32.max)).jsonText == "-1")
        #expect(ArgumentCaster.result(.f32(Float(0.7310586).bitPattern)).jsonText == "0.7310586")
        #expect(ArgumentCaster.result(.f64(Double(30.5).bitPattern)).jsonText == "30.5")
        #expect(ArgumentCaster.result(.f64(Double.nan.bitPattern)).jsonText == #""NaN""#)
        #expect(ArgumentCaster.result(.f32((-Float.infinity).bitPattern)).parameterText == "-Infinity")
        #expect(ArgumentCaster.result(.i64(UInt64(Int64.max))).parameterText == "9223372036854775807")
    }

    @Test func bytesResultsPackPointerAndLength() {
        let packed = BytesABI.pack(pointer: 0x1234, length: 240)
        #expect(BytesABI.unpack(packed) == (0x1234, 240))
        #expect(BytesABI.fits(pointer: 65_536 - 4, length: 4, memorySize: 65_536))
        #expect(!BytesABI.fits(pointer: UInt32.max, length: 2, memorySize: 65_536))
    }

    @Test func signaturesFollowTheDeclaredSchemas() throws {
        let endpoint = DeploymentNode.Endpoint(
            url: "http://d", path: "/x/modules/stats/mean",
            request: .init(parameters: [.init(name: "param0", description: "data", schema: ["type": "string", "format": "binary"])]),
            response: .init(media_type: "application/json", schema: ["type": "number"]))
        let signature = try CallSignature(
            function: "mean", type: FunctionType(parameters: [.i32, .i32], results: [.f64]), endpoint: endpoint)
        #expect(signature.parameters.map(\.kind) == [.bytes])
        #expect(signature.parameters[0].names == ["param0", "data"])
        #expect(signature.result == .scalars([.f64]))
        let capture = try CallSignature(
            function: "capture", type: FunctionType(parameters: [], results: [.i64]),
            endpoint: .init(url: "http://d", path: "/p", response: .init(media_type: "application/octet-stream", schema: nil)))
        #expect(capture.result == .bytes)
        #expect(throws: SupervisorError.self) {
            try CallSignature(
                function: "bad", type: FunctionType(parameters: [.i64], results: []),
                endpoint: .init(url: "http://d", path: "/p", request: .init(parameters: [.init(name: "p", schema: ["type": "string", "format": "binary"])])))
        }
    }

    @Test func bindingReadsQueryBodyAndFiles() throws {
        let signature = CallSignature(
            parameters: [.init(names: ["param0", "n"], kind: .scalar(.i64)), .init(names: ["param1"], kind: .bytes)],
            result: .scalars([.i64]))
        let bound = try ArgumentBinder.bind(
            CallInputs(query: ["n": "7"], files: ["param1": [1, 2]]), to: signature, mounts: .init())
        #expect(bound.arguments == [.scalar(.i64(7)), .bytes([1, 2])])
        let positional = try ArgumentBinder.bind(CallInputs(positional: ["9"], rawBody: [3]), to: signature, mounts: .init())
        #expect(positional.arguments == [.scalar(.i64(9)), .bytes([3])])
        #expect(throws: SupervisorError.self) { try ArgumentBinder.bind(CallInputs(), to: signature, mounts: .init()) }
        #expect(throws: SupervisorError.self) {
            try ArgumentBinder.bind(
                CallInputs(query: ["n": "1"], files: ["param1": [1], "../../evil": [1]]), to: signature, mounts: .init())
        }
    }

    @Test func nodesDecodeWasmiotAndTideFields() throws {
        let text = """
            {"deploymentId": "d1", "generation": 3,
             "modules": [{"id": "m", "name": "classifier", "urls": {"binary": "http://o/c.wasm", "description": "http://o/c", "other": {"labels": "http://o/l"}},
                          "sha256": {"binary": "\(String(repeating: "a", count: 64))", "other": {"labels": "\(String(repeating: "b", count: 64))"}},
                          "dependencies": ["mathlib"]},
                         {"id": "n", "name": "mathlib", "urls": {"binary": "http://o/m.wasm", "other": {}}, "sha256": "\(String(repeating: "c", count: 64))"}],
             "endpoints": {}, "instructions": {"modules": {}},
             "mounts": {"classifier": {"classify": {"execution": ["input"], "deployment": [{"path": "labels", "media_type": "text/plain"}], "output": []}}}}
            """
        let node = try TideJSON.decoder().decode(DeploymentNode.self, from: Data(text.utf8))
        let plan = try DeploymentPlan(node)
        #expect(plan.generation == 3)
        #expect(plan.modules.map(\.name) == ["mathlib", "classifier"])
        #expect(plan.module("classifier")?.files == [.init(mount: "labels", url: "http://o/l", sha256: String(repeating: "b", count: 64))])
        #expect(plan.module("mathlib")?.binarySHA256 == String(repeating: "c", count: 64))
        #expect(plan.mounts(module: "classifier", function: "classify").execution == [.init(path: "input")])
    }

    @Test func plansRejectUnsafeOrInconsistentNodes() {
        func plan(_ modules: [DeploymentNode.ModuleEntry], id: String = "d", mounts: [String: [String: DeploymentNode.MountStages]]? = nil) throws {
            _ = try DeploymentPlan(DeploymentNode(deploymentId: id, modules: modules, mounts: mounts))
        }
        let ok = DeploymentNode.ModuleEntry(name: "a", urls: .init(binary: "http://o/a"))
        #expect(throws: SupervisorError.self) { try plan([ok], id: "../x") }
        #expect(throws: SupervisorError.self) { try plan([.init(name: "../a", urls: .init(binary: "http://o/a"))]) }
        #expect(throws: SupervisorError.self) { try plan([.init(name: "a", urls: .init(binary: "file:///etc/passwd"))]) }
        #expect(throws: SupervisorError.self) { try plan([.init(name: "a", urls: .init(binary: "http://o/a"), sha256: .init(binary: "xyz"))]) }
        #expect(throws: SupervisorError.self) { try plan([.init(name: "a", urls: .init(binary: "http://o/a"), dependencies: ["b"])]) }
        #expect(throws: SupervisorError.self) {
            try plan([
                .init(name: "a", urls: .init(binary: "http://o/a"), dependencies: ["b"]),
                .init(name: "b", urls: .init(binary: "http://o/b"), dependencies: ["a"]),
            ])
        }
        #expect(throws: SupervisorError.self) {
            try plan([.init(name: "a", urls: .init(binary: "http://o/a", other: ["../../etc": "http://o/x"]))])
        }
        #expect(throws: SupervisorError.self) {
            try plan([ok], mounts: ["a": ["f": .init(execution: [.init(path: "../escape")])]])
        }
        #expect(throws: SupervisorError.self) {
            try plan([ok], mounts: ["a": ["f": .init(deployment: [.init(path: "missing")])]])
        }
    }

    @Test func profilesParseFromYAML() throws {
        let profile = try DeviceProfile.parse(
            """
            name: lobby-camera
            labels: { zone: lobby }
            peripherals:
              - { name: cam0, kind: camera, simulated: true }
              - { name: env0, kind: temperature-humidity }
            simulation:
              memory: 256MiB
              cpu: { name: "Simulated Cortex-A53", clockHz: 1200000000 }
              arch: aarch64
            """)
        #expect(profile.name == "lobby-camera")
        #expect(profile.labels == ["zone": "lobby"])
        #expect(profile.has(.camera) && profile.has(.temperatureHumidity))
        #expect(profile.simulatedMemoryBytes == 256 << 20)
        #expect(profile.simulatedCPUClockHz == 1_200_000_000)
        #expect(ByteSize.parse("1GiB") == 1 << 30)
        #expect(ByteSize.parse("12 parsecs") == nil)
    }

    @Test func procFilesParse() {
        let memory = ProcFiles.parseMeminfo("MemTotal:       16384 kB\nMemFree: 1 kB\nMemAvailable:    4096 kB\n")
        #expect(memory == .init(totalBytes: 16384 * 1024, availableBytes: 4096 * 1024))
        let cpu = ProcFiles.parseCPUInfo("processor\t: 0\nmodel name\t: Test CPU @ 2.00GHz\ncpu MHz\t\t: 2000.000\n")
        #expect(cpu.name == "Test CPU @ 2.00GHz")
        #expect(cpu.clockHz == 2_000_000_000)
        let first = ProcFiles.parseStat("cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 1 2 3 4\n")
        let second = ProcFiles.parseStat("cpu  150 0 150 900 0 0 0 0 0 0\n")
        #expect(first == .init(busy: 200, total: 1000))
        if let first, let second { #expect(ProcFiles.cpuUsage(from: first, to: second) == 0.5) }
    }

    @Test func simulationsAreReproducible() {
        #expect(SensorSeries.temperature(at: 0) == SensorSeries.temperature(at: 0))
        let readings = (0..<120).map { SensorSeries.temperature(at: $0) }
        #expect(readings.allSatisfy { $0 > 18.5 && $0 < 24.5 })
        #expect(Set(readings).count > 50)
        #expect(TestImage.pgm.starts(with: Array("P5\n64 48\n255\n".utf8)))
        #expect(TestImage.pgm.count == 13 + 64 * 48)
    }

    @Test func digestsAreLowercaseHex() {
        #expect(BlobCache.digest(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(BlobCache.isDigest(String(repeating: "0", count: 64)))
        #expect(!BlobCache.isDigest(String(repeating: "G", count: 64)))
    }

    @Test func historyIsBoundedByCountAndAge() async throws {
        let directory = try DataDirectory(root: TemporaryDirectory.make("history"))
        let history = RequestHistory(directory: directory, maxEntries: 3, maxAge: .seconds(60))
        let now = Date()
        for index in 0..<5 {
            await history.begin(
                HistoryEntry(
                    requestId: "r\(index)", deploymentId: "d", module: "m", function: "f", status: .pending, success: false,
                    queuedAt: now))
        }
        #expect(await history.entry("r0") == nil)
        #expect(await history.entry("r1") == nil)
        #expect(await history.entry("r4") != nil)
        var old = try #require(await history.entry("r2"))
        old.status = .done
        old.finishedAt = now.addingTimeInterval(-120)
        await history.finish(old)
        await history.begin(
            HistoryEntry(requestId: "r5", deploymentId: "d", module: "m", function: "f", status: .pending, success: false, queuedAt: now))
        #expect(await history.entry("r2") == nil)
        #expect(await history.count == 3)
    }
}

@Suite("Publisher keys from the orchestrator", .stopsWhatItStarts)
struct PublisherKeyTrustTests {
    private func key(_ name: String) -> PublisherKey { PublisherSigningKey.generate(name: name).publicKey }

    @Test("a set is taken only when every key reads and the digest names exactly those keys; it is kept across restarts")
    func verifyAndKeep() throws {
        let directory = try DataDirectory(root: TemporaryDirectory.make("keys"))
        try FileManager.default.createDirectory(atPath: directory.tlsRoot, withIntermediateDirectories: true)
        let local = key("local")
        let trust = try PublisherKeyTrust(local: SignaturePolicy(trusted: [local], requiredPrefixes: [""]), directory: directory)
        let acme = key("acme")
        let handout = PublisherKey.handout([acme])
        #expect(try trust.replace(with: PublisherKeySet(keys: handout.lines, digest: handout.digest)))
        #expect(Set(trust.policy.trusted.keys) == [local.id, acme.id])
        #expect(trust.policy.requiredPrefixes == [""])

        let other = PublisherKey.handout([key("other")])
        #expect(throws: SupervisorError.self) { try trust.replace(with: PublisherKeySet(keys: other.lines, digest: handout.digest)) }
        #expect(throws: SupervisorError.self) { try trust.replace(with: PublisherKeySet(keys: ["not a key"], digest: handout.digest)) }
        let many = PublisherKey.handout((0...PublisherKeySet.maxKeys).map { key("k\($0)") })
        #expect(throws: SupervisorError.self) { try trust.replace(with: PublisherKeySet(keys: many.lines, digest: many.digest)) }
        #expect(trust.digest == handout.digest, "a refused set changes nothing")

        let restarted = try PublisherKeyTrust(local: SignaturePolicy(trusted: [], requiredPrefixes: []), directory: directory)
        #expect(restarted.digest == handout.digest && Set(restarted.policy.trusted.keys) == [acme.id])
    }
}

@Suite("Request-history result shapes", .stopsWhatItStarts)
struct HistoryResultShapeTests {
    @Test("a value is the wasmiot pair; a forwarded step's result is the next resultUrl as a bare string; both read back")
    func shapes() throws {
        let pair = HistoryEntry.ResultField.value(json: "55", files: nil)
        let next = HistoryEntry.ResultField.next("http://127.0.0.1:5001/request-history/abc")
        #expect(String(decoding: try JSONEncoder().encode(pair), as: UTF8.self) == #"["55",null]"#)
        #expect(String(decoding: try JSONEncoder().encode(next), as: UTF8.self) == #""http:\/\/127.0.0.1:5001\/request-history\/abc""#)
        for field in [pair, next, .value(json: "1", files: ["http://h/f"])] {
            #expect(try JSONDecoder().decode(HistoryEntry.ResultField.self, from: JSONEncoder().encode(field)) == field)
        }
    }
}
