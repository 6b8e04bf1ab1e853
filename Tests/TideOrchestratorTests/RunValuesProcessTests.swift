import Foundation
import Testing
import TideModel
import TideSupervisor
@testable import TideTesting

/// Run values end to end on a `tide supervisor` process with the lobby camera's profile: exact
/// i64s from the API and `tide run`, images into the classifier from a file, a multipart upload
/// and a URL, refused inputs that run nothing, and a bytes result saved with `--output`.
@Suite("run values and bytes on a supervisor process", .serialized, .stopsWhatItStarts)
struct RunValuesProcessTests {
    /// Small, so that the too-large cases stay small.
    static let maxRunInputBytes = 4096

    static let multipartType = "multipart/form-data; boundary=tide-test-boundary"

    static let classifyImage = """
        name: classify-image
        steps:
          - name: classify
            module: classifier@~1.0
            function: classify
          - name: store
            module: sink@1
            function: push
        """

    struct Fleet {
        let server: TestServer
        let common: [String]

        func apply(_ yaml: String) async throws {
            let deployment = try await server.client.apply(manifest: Array(yaml.utf8), json: false)
            guard deployment.status == .active else { throw HarnessError("\(deployment.name): \(deployment.reason ?? "not active")") }
        }

        func runJSON(_ name: String, _ body: String) async throws -> (status: Int, body: String) {
            let answer = try await server.request(.POST, "/api/v1/deployments/\(name)/run", body: body)
            return (answer.status, answer.body)
        }
    }

    static func fleet() async throws -> Fleet {
        let server = try await TestServer.start(
            heartbeatTimeout: .seconds(10), bundledRegistry: Repository.registry, maxRunInputBytes: Self.maxRunInputBytes)
        _ = try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--name", "cam", "--data-dir", TemporaryDirectory.make("cam"),
            "--orchestrator", server.baseURL, "--token", server.fleetToken, "--profile", Repository.root + "/profiles/lobby-camera.yaml",
            "--log-level", "warning",
        ])
        guard try await eventually(timeout: .seconds(20), { try await server.client.devices(status: .alive).count == 1 }) else {
            throw HarnessError("the supervisor was not alive within 20 s")
        }
        return Fleet(server: server, common: ["--server", server.baseURL, "--data-dir", server.dataDirectory])
    }

    /// fibo 1.1.0's `fibo`: the n-th Fibonacci number modulo 2^64, by fast doubling.
    static func fibo(_ n: UInt64) -> Int64 {
        var (a, b): (UInt64, UInt64) = (0, 1)
        for bit in stride(from: 63, through: 0, by: -1) {
            let c = a &* (2 &* b &- a)
            let d = a &* a &+ b &* b
            (a, b) = (n >> UInt64(bit)) & 1 == 1 ? (d, c &+ d) : (c, d)
        }
        return Int64(bitPattern: a)
    }

    /// A 32x32 grayscale PGM of one shade.
    static func image(_ shade: UInt8) -> [UInt8] {
        Array("P5\n32 32\n255\n".utf8) + Array(repeating: shade, count: 32 * 32)
    }

    @Test("an i64 beyond 2^53 reaches the Wasm function exactly and comes back exactly, in the API and tide run")
    func exactIntegers() async throws {
        let fleet = try await Self.fleet()
        try await fleet.apply("name: fibo\nsteps:\n  - name: fibo\n    module: fibo@^1.1\n    function: fibo\n")
        let n: UInt64 = 9_007_199_254_740_993  // 2^53 + 1: a double rounds it to 2^53
        let expected = Self.fibo(n)
        #expect(expected != Self.fibo(n - 1), "the case tells 2^53 + 1 from 2^53")
        #expect(expected.magnitude > 1 << 53)

        let answer = try await fleet.runJSON("fibo", #"{"inputs": {"n": 9007199254740993}}"#)
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.body.contains(#""result":\#(expected)"#), "\(answer.body)")
        #expect(answer.body.contains(#""value":\#(expected)"#), "\(answer.body)")
        let run = try TideJSON.decoder().decode(RunResult.self, from: Data(answer.body.utf8))
        #expect(run.result?.jsonNumber?.int64 == expected)
        // fib(90) = 2880067194370816120 > 2^53, exact through the client too.
        #expect(try await fleet.server.client.run("fibo", inputs: ["n": 90]).result == .number(2_880_067_194_370_816_120))

        let text = try await TideProcess.run(["run", "fibo", "n=9007199254740993"] + fleet.common)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("result: \(expected)  (from step fibo)"), "\(text.stdout)")
        // 2^64 - 1 is the i64 -1 (an i64 parameter takes unsigned text too): fibo of a negative n is 0.
        let json = try await TideProcess.run(["run", "fibo", "n=18446744073709551615", "--json"] + fleet.common)
        #expect(try TideJSON.decoder().decode(RunResult.self, from: Data(json.stdout.utf8)).result == .number(0), "\(json.stderr)")
        let tooLarge = try await TideProcess.run(["run", "fibo", "n=18446744073709551616"] + fleet.common)
        #expect(tooLarge.status == 1 && tooLarge.stderr.contains("is out of the range of a 64-bit integer"), "\(tooLarge.stdout) \(tooLarge.stderr)")
    }

    @Test("an image into the classifier from a file, a multipart upload and a URL; bad inputs run nothing")
    func imageInputs() async throws {
        let fleet = try await Self.fleet()
        try await fleet.apply(Self.classifyImage)
        let files = FileServer(["dark.pgm": Self.image(0), "bright.pgm": Self.image(255), "big.pgm": Self.image(0) + Array(repeating: 0, count: 4096)])
        let filesBase = try await files.start()
        let deploymentEvents = { try fleet.server.store().events(limit: 10_000).filter { $0.kind.rawValue.hasPrefix("deployment.") }.count }
        let eventsBefore = try deploymentEvents()

        // Refused before anything runs: the message says why, and the sink stays empty.
        let refusals: [(body: [UInt8], contentType: String, status: Int, message: String)] = [
            (Array(#"{"inputs": {"data": 5}}"#.utf8), "application/json", 400,
             #"input data is bytes for step classify (data): upload a file (tide run data=@FILE, or multipart/form-data) or give {\"url\": \"http://...\"}, not a number"#),
            (Array(#"{"inputs": {"image": {"url": "http://127.0.0.1:1/x.pgm"}}}"#.utf8), "application/json", 400,
             "unknown input(s) image; the first step(s) take: data"),
            (Array(#"{"inputs": {"data": {"url": "http://127.0.0.1:1/x.pgm"}}}"#.utf8), "application/json", 400,
             "the bytes input of step classify: cannot fetch http://127.0.0.1:1/x.pgm: "),
            (Array(#"{"inputs": {"data": {"url": "\#(filesBase)/big.pgm"}}}"#.utf8), "application/json", 400,
             "the bytes input of step classify: cannot fetch \(filesBase)/big.pgm: "),
            (Array(#"{"inputs": {"data": {"url": "file:///etc/passwd"}}}"#.utf8), "application/json", 400,
             #"input data: \"file:///etc/passwd\" is not an http:// or https:// URL with a host"#),
            (multipart(["data": Self.image(0) + Array(repeating: 0, count: 4096)]).0, Self.multipartType, 413,
             "larger than the limit of 4096 bytes (tide server --max-run-input-bytes)"),
            (multipart(["image": Self.image(0)]).0, Self.multipartType, 400, "unknown input(s) image; the first step(s) take: data"),
            (Array("--tide-test-boundary\r\nno header end".utf8), Self.multipartType, 400, "the multipart run request is malformed: "),
            (multipart(["data": [1]]).0, "multipart/form-data", 400, "the multipart run request is malformed: multipart/form-data without a boundary parameter"),
        ]
        for refusal in refusals {
            let answer = try await fleet.server.request(
                .POST, "/api/v1/deployments/classify-image/run", bytes: refusal.body, contentType: refusal.contentType)
            #expect(answer.status == refusal.status && answer.body.contains(refusal.message), "\(refusal.message): \(answer.status) \(answer.body)")
        }
        let directory = TemporaryDirectory.make("images")
        let sparse = directory + "/huge.pgm"
        #expect(FileManager.default.createFile(atPath: sparse, contents: nil))
        try FileHandle(forWritingAtPath: sparse).map { try $0.truncate(atOffset: UInt64(64 << 20) + 1) }
        let huge = try await TideProcess.run(["run", "classify-image", "data=@\(sparse)"] + fleet.common)
        #expect(huge.status == 1 && huge.stderr == "tide: input data: \(sparse) is 67108865 bytes, more than the limit of 67108864 bytes (64 MiB)\n", "\(huge.stderr)")
        let missing = try await TideProcess.run(["run", "classify-image", "data=@\(directory)/none.pgm"] + fleet.common)
        #expect(missing.status == 1 && missing.stderr == "tide: input data: no file at \(directory)/none.pgm\n", "\(missing.stderr)")
        #expect(try deploymentEvents() == eventsBefore, "a refused run stores nothing")

        // From a file with tide run: the sink's first value, so nothing above ran.
        let dark = directory + "/dark.pgm"
        #expect(FileManager.default.createFile(atPath: dark, contents: Data(Self.image(0))))
        let cli = try await TideProcess.run(["run", "classify-image", "data=@\(dark)"] + fleet.common)
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(cli.stdout.contains("result: 1  (from step store)") && cli.stdout.contains("  0 (dark)  "), "\(cli.stdout)")

        // A multipart upload through the API.
        let (body, contentType) = multipart(["data": Self.image(255)])
        let uploaded = try await fleet.server.request(.POST, "/api/v1/deployments/classify-image/run", bytes: body, contentType: contentType)
        #expect(uploaded.status == 200, "\(uploaded.body)")
        let upload = try TideJSON.decoder().decode(RunResult.self, from: Data(uploaded.body.utf8))
        #expect(upload.steps.first?.value == .number(2) && upload.steps.first?.label == "bright" && upload.result == .number(2), "\(uploaded.body)")

        // A URL the server fetches.
        let fetched = try await fleet.runJSON("classify-image", #"{"inputs": {"data": {"url": "\#(filesBase)/bright.pgm"}}}"#)
        let byURL = try TideJSON.decoder().decode(RunResult.self, from: Data(fetched.body.utf8))
        #expect(byURL.steps.first?.label == "bright" && byURL.result == .number(3), "\(fetched.body)")
        #expect(files.hitCount("bright.pgm") == 1)
        #expect(files.hitCount("big.pgm") == 1)
    }

    @Test("tide run --output saves a bytes result fetched through the server; the server fetches only its devices' URLs")
    func savedResult() async throws {
        let fleet = try await Self.fleet()
        try await fleet.apply("name: snap\nsteps:\n  - name: capture\n    module: camera-capture@^1.0\n    function: capture\n")
        let directory = TemporaryDirectory.make("out") + "/images"
        let saved = try await TideProcess.run(["run", "snap", "--output", directory] + fleet.common)
        #expect(saved.status == 0, "\(saved.stderr)")
        #expect(saved.stdout.hasSuffix("saved capture's result (\(TestImage.pgm.count) bytes) to \(directory)/capture.pgm\n"), "\(saved.stdout)")
        #expect(FileManager.default.contents(atPath: directory + "/capture.pgm").map(Array.init) == TestImage.pgm)

        let foreign = try await fleet.server.request(.GET, "/api/v1/deployments/snap/result-file?url=http%3A%2F%2F127.0.0.1%3A1%2Fx")
        #expect(foreign.status == 400, "\(foreign.body)")
        #expect(foreign.body.contains("http://127.0.0.1:1/x is not on a device of deployment snap"), "\(foreign.body)")
        let numbers = try await TideProcess.run(["run", "snap", "--output", directory, "--json"] + fleet.common)
        #expect(numbers.status == 0 && numbers.stderr == "saved capture's result (\(TestImage.pgm.count) bytes) to \(directory)/capture.pgm\n", "\(numbers.stderr)")
    }
}
