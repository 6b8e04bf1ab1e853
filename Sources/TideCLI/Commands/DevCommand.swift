import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TideHTTP
import TideModel
import TideOrchestrator
import TideSupervisor
import TideTLS

/// `tide dev`: a whole fleet on this machine: the server and five supervisors with different
/// simulated devices, all on loopback, in one process and one service group.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run a local fleet: a server and five simulated devices on loopback, the bundled registry loaded.",
        discussion: """
            The server listens on --port (default 3000) with its state in --data-dir (default ./.tide, so \
            client commands run from here find the token), the supervisors on the next five ports with their \
            state under <data-dir>/dev/. Peripherals are simulations (a camera that returns a test image, a \
            sensor with a synthetic series) and say so in their descriptions. Ctrl-C stops everything.
            """)

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Where the server's and the devices' state lives.", valueName: "path"))
    var dataDirectory = ".tide"
    @Option(help: "The server's port; the devices take the next five.") var port = 3000
    @Option(help: ArgumentHelp("Packages to load into an empty registry.", valueName: "dir")) var registry = "registry"
    @Option(name: .customLong("log-level"), help: LogSetup.help) var logLevel = "notice"

    /// The simulated fleet.
    static let profiles: [DeviceProfile] = [
        DeviceProfile(
            name: "camera-gateway", labels: ["zone": "lobby", "role": "gateway"],
            peripherals: [.init(name: "cam0", kind: .camera)], simulatedMemoryBytes: 512 << 20,
            simulatedCPUName: "Simulated Cortex-A53", simulatedCPUClockHz: 1_200_000_000, simulatedArch: "aarch64"),
        DeviceProfile(
            name: "sensor-node", labels: ["zone": "lobby", "role": "sensor"],
            peripherals: [.init(name: "env0", kind: .temperatureHumidity)], simulatedMemoryBytes: 128 << 20,
            simulatedCPUName: "Simulated Cortex-M7", simulatedCPUClockHz: 600_000_000, simulatedArch: "armv7"),
        DeviceProfile(
            name: "compute-node", labels: ["zone": "server-room", "tier": "compute"], simulatedMemoryBytes: 8 << 30,
            simulatedCPUName: "Simulated Xeon", simulatedCPUClockHz: 3_000_000_000, simulatedArch: "x86_64"),
        DeviceProfile(
            name: "display", labels: ["zone": "lobby", "role": "display"], simulatedMemoryBytes: 1 << 30,
            simulatedCPUName: "Simulated Cortex-A72", simulatedCPUClockHz: 1_500_000_000, simulatedArch: "aarch64"),
        DeviceProfile(
            name: "edge-box", labels: ["zone": "warehouse", "role": "gateway"],
            peripherals: [.init(name: "env1", kind: .temperatureHumidity)], simulatedMemoryBytes: 2 << 30,
            simulatedCPUName: "Simulated Cortex-A76", simulatedCPUClockHz: 2_400_000_000, simulatedArch: "aarch64"),
    ]

    func validate() throws {
        try LogSetup.validate(logLevel)
    }

    func run() async throws {
        LogSetup.bootstrap(logLevel, otherwise: .notice)
        let logger = Logger(label: "tide.dev")
        let token = try Self.supervisorToken(in: dataDirectory + "/dev")
        // The dev fleet's supervisors use the fleet token and serve plain HTTP on loopback.
        var configuration = ServerConfiguration(
            dataDirectory: dataDirectory, port: port,
            bundledRegistry: FileManager.default.fileExists(atPath: registry) ? registry : nil, mdnsServiceType: nil,
            supervisorToken: token)
        configuration.plainHTTPDevices = true
        let base = "https://127.0.0.1:\(port)"
        let devices = Self.profiles.enumerated().map { index, profile in
            SupervisorServer(
                configuration: SupervisorConfiguration(
                    port: port + 1 + index, name: profile.name,
                    dataDirectory: dataDirectory + "/dev/" + (profile.name ?? "device-\(index)"),
                    profile: profile, orchestratorURL: base, token: token,
                    serverCAFile: ServerCertificates.caCertificatePath(in: dataDirectory)),
                logger: Logger(label: "tide.supervisor"))
        }
        let welcome = Self.welcome(base: base, firstDevicePort: port + 1, dataDirectory: dataDirectory)
        // One group: Ctrl-C (or SIGTERM) shuts it down gracefully, the devices first (they joined
        // last), then the server.
        let fleet = ServiceGroup(
            configuration: .init(services: [any Service](), gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        var server = OrchestratorServer(configuration: configuration, logger: Logger(label: "tide.server"))
        server.onRunning = { _ in
            // Devices start once the server listens, so their first heartbeats register them.
            for device in devices { await fleet.addServiceUnlessShutdown(device) }
            FileHandle.standardOutput.write(Data(welcome.utf8))
        }
        await fleet.addServiceUnlessShutdown(server)
        do {
            try await GracefulServiceGroup.run(fleet)
        } catch let error as ServerError {
            throw CLIFailure(error.message)
        } catch let error as SupervisorError {
            throw CLIFailure(error.message)
        }
        logger.notice("local fleet stopped")
    }

    /// The token the dev devices require for deploys, kept in `<dir>/supervisor.token` (0600).
    static func supervisorToken(in directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            return try OperatorToken.loadOrCreate(at: directory + "/supervisor.token").token
        } catch {
            throw CLIFailure(error.description)
        }
    }

    static func welcome(base: String, firstDevicePort: Int, dataDirectory: String) -> String {
        let devices = profiles.enumerated().map { index, profile in
            "  \(profile.name ?? "device")  http://127.0.0.1:\(firstDevicePort + index)  \(profile.peripherals.map { "\($0.kind.rawValue) (simulated)" }.joined(separator: ", "))"
        }.joined(separator: "\n")
        return """

            Tide dev fleet: server \(base), state in \(dataDirectory)
            \(devices)

            Try, from this directory in another terminal:
              tide device ls                                # the five devices, alive within a second
              tide module ls                                # the bundled packages
              tide plan manifests/temperature-stats.yaml    # where each step would run, and why
              tide deploy apply manifests/lobby-camera.yaml # place it, push it, watch each device take its step
              tide run lobby-camera                         # camera -> classifier -> sink: each step's device, the class found
              tide run fibo n=20                            # after: tide deploy apply manifests/fibo.yaml
              tide events --follow                          # stop a device and watch it go suspect, then dead
            Ctrl-C stops the fleet.

            """
    }
}
