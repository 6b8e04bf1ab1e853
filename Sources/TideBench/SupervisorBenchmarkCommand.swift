import TideFixtures
import ArgumentParser
import Foundation
import TideModel
import TideSupervisor
import WAT

/// `tide-bench supervisor`: call overhead, instantiation, the stats workload, fib(30), HTTP round
/// trips (in-process), the memory of `tide supervisor` processes idle and in service, and
/// optionally fib(30) under wasmtime on the same .wasm in the same run.
struct SupervisorBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervisor",
        abstract: "Time the supervisor: Wasm call overhead, instantiation, workloads, HTTP round trip, supervisor memory.",
        discussion: """
            With --reference-python PATH (a Python with the wasmtime package), the same fib(30) module also \
            runs under wasmtime (scripts/bench/wasmtime_reference.py) and the ratio is reported.
            """)

    @Option(help: ArgumentHelp("The bundled registry, for the stats workload.", valueName: "dir")) var registry = "registry"
    @Option(help: "HTTP calls to time.") var httpCalls = 2000
    @Option(help: ArgumentHelp("A python3 with wasmtime, for the reference.", valueName: "path")) var referencePython: String?
    @Option(help: ArgumentHelp("The reference script.", valueName: "path")) var referenceScript = "scripts/bench/wasmtime_reference.py"

    struct Report: Encodable {
        var benchmark = "supervisor"
        var build = BuildMode.current
        /// Which binary ran: `.build-device/...` is the build for devices of scripts/build-release (static, hot code laid out).
        var executable = TideBinary.url.path
        var inProcess: SupervisorBenchmarkReport
        var memory: SupervisorMemoryReport
        var wasmtime: JSONValue?
        var fib30WasmKitOverWasmtime: Double?
        var goals: [String: Bool]
    }

    func run() async throws {
        let inProcess = try await SupervisorBenchmark.run(registry: FileManager.default.fileExists(atPath: registry) ? registry : nil, httpCalls: httpCalls)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tide-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let memory = try await SupervisorMemoryReport.measure(directory: directory)

        var report = Report(
            inProcess: inProcess, memory: memory,
            goals: [
                "noopCallUnder5us": inProcess.noopCallMicros <= 5,
                "instantiateUnder10ms": inProcess.instantiateMillis <= 10,
                "httpP50Under1ms": inProcess.httpRoundTripP50Micros <= 1000,
                "idleRSSUnder20MB": memory.idleRSSBytes <= 20_000_000,
            ])
        if let python = referencePython {
            let module = directory + "-fib.wasm"
            defer { try? FileManager.default.removeItem(atPath: module) }
            try Data(try wat2wasm(SupervisorBenchmark.benchFixture)).write(to: URL(fileURLWithPath: module))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [referenceScript, module, "fib", "30", "--repetitions", "5"]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw BenchFailure("the wasmtime reference failed (exit \(process.terminationStatus))") }
            let reference = try JSONDecoder().decode(JSONValue.self, from: data)
            report.wasmtime = reference
            if let milliseconds = reference["medianMilliseconds"]?.numberValue, milliseconds > 0 {
                report.fib30WasmKitOverWasmtime = inProcess.fib30Millis / milliseconds
            }
        }
        print(try TideJSON.text(report))
    }
}
