import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import TideHTTP
import TideLiquid
import TideModel
import TidePackageFormat

/// `tide-bench liquid` (issue 20): moves the state of a running `counter` instance between two
/// `tide supervisor` processes over loopback HTTP, for several sizes of state, and times the pause
/// a planned move imposes on calls, with its parts; compares with a restart without state.
struct LiquidBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "liquid",
        abstract: "Liquid state: the pause of a planned move (snapshot, transfer, restore) by size of state, against a restart without state.",
        discussion: """
            Starts two `tide supervisor` processes (copies of the `tide` beside this binary, or --tide) with a \
            token, and serves the bundled counter module from this process. For each --sizes (KiB of state) and \
            --trials: deploys the counter on both, makes the first hold that much state (`reserve`, every byte \
            non-zero) and count to 3, then moves it: GET its state from the first (snapshot on the module's \
            queue, encode), PUT it into the second (decode, restore). The pause is from the GET's start to the \
            PUT's answer: in a move, calls to the step wait that long. The parts come from the supervisors' \
            Server-Timing headers; transfer is the rest. The second then counts 4 (checked). A restart without \
            state is a fresh deployment of the module on the second (cached binary): instantiation, no state. \
            Then a pre-copied move of the same state: GET ?precopy=true and PUT ?stage=true while calls still \
            run, one more call on the first, and in the pause only GET ?base=<digest> and PUT of the changes. \
            Goal: pause p99 <= 20 ms + the transfer, and under 100 ms for 1 MiB. Checkpoint cost on the device: \
            snapshot + encode. Prints JSON (also to --json-out); progress on stderr unless --json. Use a release build.
            """)

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Sizes of state to move, in KiB.", valueName: "kib"))
    var sizes: [Int] = [64, 1024, 16_384, 65_536]
    @Option(help: "Moves per size.") var trials = 7
    @Option(help: ArgumentHelp("The bundled registry (it holds counter).", valueName: "dir")) var registry = "registry"
    @Option(help: "Drains per size through the server (each with state and without); 0 skips them.") var drainTrials = 3
    @Option(help: ArgumentHelp("Also write the JSON report to this file.", valueName: "file")) var jsonOut: String?
    @Flag(help: "Print only the JSON report (no progress lines on stderr).") var json = false

    static let pauseGoalMilliseconds = 20.0
    static let oneMiBGoalMilliseconds = 100.0

    func validate() throws {
        guard !sizes.isEmpty, sizes.allSatisfy({ (1...(256 << 10)).contains($0) }) else {
            throw ValidationError("--sizes must be 1-262144 KiB each")
        }
        guard (1...1000).contains(trials) else { throw ValidationError("--trials must be 1-1000") }
        guard (0...100).contains(drainTrials) else { throw ValidationError("--drain-trials must be 0-100") }
        guard FileManager.default.fileExists(atPath: registry + "/counter/counter.wasm") else {
            throw ValidationError("no \(registry)/counter/counter.wasm; run from the repository root or pass --registry <dir>")
        }
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tide-bench-liquid-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard let counter = FileManager.default.contents(atPath: registry + "/counter/counter.wasm") else {
            throw BenchFailure("cannot read \(registry)/counter/counter.wasm")
        }
        let module = [UInt8](counter)
        let largest = (sizes.max() ?? 64) << 10
        let pages = largest / 65_536 + 64
        let token = UUID().uuidString
        let executable: URL
        do { executable = try FailoverBenchmarkChild.copyExecutable(to: directory + "/tide") } catch { throw BenchFailure("\(error)") }
        var children: [FailoverBenchmarkChild] = []
        let report: String
        do {
            for name in ["a", "b"] {
                children.append(try await Self.startSupervisor(
                    executable, name: name, directory: directory, token: token, pages: pages, snapshotBytes: pages * 65_536))
            }
            let sizes = try await measure(module: module, supervisors: children.map { "http://127.0.0.1:\($0.port)" }, token: token)
            for child in children { await child.stop() }
            children = []
            let drains = drainTrials == 0 ? [] : try await LiquidDrainBenchmark(
                executable: executable, directory: directory, registry: registry, token: token, pages: pages, progress: progress
            ).measure(sizes: self.sizes, trials: drainTrials)
            report = try TideJSON.text(LiquidBenchmarkReport(build: BuildMode.current, trials: trials, sizes: sizes, drains: drains))
        } catch {
            for child in children { await child.stop() }
            throw BenchFailure("\(error)\nsupervisor logs: \(children.map(\.log).joined(separator: ", "))")
        }
        if let jsonOut {
            do { try Data((report + "\n").utf8).write(to: URL(fileURLWithPath: jsonOut)) } catch { throw BenchFailure("cannot write \(jsonOut): \(error)") }
        }
        print(report)
    }

    private static func startSupervisor(
        _ executable: URL, name: String, directory: String, token: String, pages: Int, snapshotBytes: Int
    ) async throws -> FailoverBenchmarkChild {
        var lastError: any Error = BenchFailure("no port tried")
        for attempt in 0..<5 {
            let port = Int.random(in: 20_000..<32_000)
            let data = directory + "/\(name)-\(attempt)"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            do {
                return try await FailoverBenchmarkChild.start(
                    executable,
                    [
                        "supervisor", "--port", String(port), "--name", "liquid-\(name)", "--data-dir", data, "--token", token,
                        "--heartbeat-interval", "0", "--max-memory-pages", String(pages), "--max-snapshot-bytes", String(snapshotBytes),
                        "--log-level", "notice",
                    ], log: directory + "/logs/\(name)-\(attempt).log")
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private func measure(module: [UInt8], supervisors: [String], token: String) async throws -> [LiquidBenchmarkReport.Size] {
        var logger = Logger(label: "tide.bench.liquid")
        logger.logLevel = .critical
        let router = Router()
        router.get("counter.wasm") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: module))) }
        let ports = AsyncStream<Int>.makeStream()
        let files = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ports.continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await GracefulServiceGroup.run(files, logger: files.logger) }
            defer { group.cancelAll() }
            var iterator = ports.stream.makeAsyncIterator()
            guard let filePort = await iterator.next() else { throw BenchFailure("the module's file server did not start") }
            let mover = LiquidMover(
                source: supervisors[0], target: supervisors[1], token: token, moduleURL: "http://127.0.0.1:\(filePort)/counter.wasm",
                moduleDigest: BlobDigest(of: module))
            var results: [LiquidBenchmarkReport.Size] = []
            for kib in sizes {
                var moves: [LiquidMover.Move] = []
                for trial in 0..<(trials + 1) {
                    let move = try await mover.move(kib: kib, id: "liquid-\(kib)-\(trial)")
                    // The first move of each size warms the connections and the module cache.
                    if trial > 0 { moves.append(move) }
                }
                let size = LiquidBenchmarkReport.Size(kib: kib, moves: moves)
                progress(
                    "\(kib) KiB: pause p50 \(String(format: "%.1f", size.pause.p50)) ms (snapshot \(String(format: "%.1f", size.snapshot.p50)), "
                        + "encode \(String(format: "%.1f", size.encode.p50)), transfer \(String(format: "%.1f", size.transfer.p50)), "
                        + "decode \(String(format: "%.1f", size.decode.p50)), restore \(String(format: "%.1f", size.restore.p50))), "
                        + "pre-copied pause \(String(format: "%.1f", size.precopiedPause.p50)) ms (\(size.changedBytes) bytes of changes), "
                        + "restart without state \(String(format: "%.1f", size.restartWithoutState.p50)) ms")
                results.append(size)
            }
            return results
        }
    }

    private var progress: @Sendable (String) -> Void {
        let quiet = json
        return { line in
            guard !quiet else { return }
            FileHandle.standardError.write(Data("bench liquid: \(line)\n".utf8))
        }
    }
}
