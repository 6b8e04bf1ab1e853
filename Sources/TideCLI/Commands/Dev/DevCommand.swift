import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TideHTTP
import TideModel
import TideOrchestrator
import TideSupervisor
import TideTLS

/// `tide dev`: a whole fleet on this machine: the server in this process and five simulated
/// devices, each a `tide supervisor` child process, all on loopback, in one service group.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run a local fleet: a server and five simulated devices on loopback, the bundled registry loaded.",
        discussion: """
            The server listens on --port (default 3000) with its state in --data-dir (default ./.tide, so \
            client commands run from here find the token), the supervisors on the next five ports with their \
            state and profile under <data-dir>/dev/<name>/. Each device is its own `tide supervisor` process \
            (its pid is printed), so it can be frozen with kill -STOP and resumed with kill -CONT to watch \
            failover; it stops when tide dev stops. Peripherals are simulations (a camera that returns a test \
            image, a sensor with a synthetic series) and say so in their descriptions. Ctrl-C stops everything.
            """)

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Where the server's and the devices' state lives.", valueName: "path"))
    var dataDirectory = ".tide"
    @Option(help: "The server's port; the devices take the next five.") var port = 3000
    @Option(help: ArgumentHelp("Packages to load into an empty registry.", valueName: "dir")) var registry = "registry"
    @Option(name: .customLong("log-level"), help: LogSetup.help) var logLevel = "notice"

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
        // The devices start once the server runs; on a busy machine five processes take seconds.
        configuration.firstProbeDelay = .seconds(15)
        let base = "https://127.0.0.1:\(port)"
        let profiles = try Self.writeProfiles(under: dataDirectory + "/dev")
        let members = profiles.enumerated().map { index, profile in
            DevFleet.Member(
                profile: profile, port: port + 1 + index,
                arguments: [
                    "supervisor", "--port", String(port + 1 + index), "--name", profile.name,
                    "--data-dir", profile.directory, "--profile", profile.directory + "/profile.yaml",
                    "--orchestrator", base, "--ca-cert", ServerCertificates.caCertificatePath(in: dataDirectory),
                    "--log-level", logLevel, "--exit-with-parent",
                ])
        }
        let state = dataDirectory
        let (serverRunning, running) = AsyncStream<Void>.makeStream()
        let devices = DevFleet(
            members: members, executable: try Self.executable(), environment: ["TIDE_SUPERVISOR_TOKEN": token],
            serverRunning: serverRunning, logger: logger
        ) { started in
            let welcome = Self.welcome(base: base, devices: started.map { ($0.member.profile, $0.member.port, $0.pid) }, dataDirectory: state)
            FileHandle.standardOutput.write(Data(welcome.utf8))
        }
        var server = OrchestratorServer(configuration: configuration, logger: Logger(label: "tide.server"))
        server.onRunning = { _ in running.yield() }
        // Ctrl-C (or SIGTERM) shuts the group down gracefully in reverse order: the server first,
        // so it records no device going away, then the devices.
        let fleet = ServiceGroup(
            configuration: .init(services: [devices, server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await GracefulServiceGroup.run(fleet)
        } catch let error as ServerError {
            throw CLIFailure(error.message)
        } catch let error as SupervisorError {
            throw CLIFailure(error.message)
        } catch let error as CLIFailure {
            throw error
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

    /// This very binary, to start the devices with.
    static func executable() throws(CLIFailure) -> URL {
        do {
            return URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        } catch {
            throw CLIFailure("cannot find this tide binary to start the simulated devices with (/proc/self/exe): \(error)")
        }
    }

    /// A simulated device as `tide dev` starts it.
    struct DevProfile: Sendable {
        var name: String
        var directory: String
        var profile: DeviceProfile
    }

    /// Writes each device's profile to `<directory>/<name>/profile.yaml`.
    static func writeProfiles(under directory: String) throws(CLIFailure) -> [DevProfile] {
        var written: [DevProfile] = []
        for (name, yaml) in DevProfiles.all {
            let deviceDirectory = directory + "/" + name
            do {
                try FileManager.default.createDirectory(atPath: deviceDirectory, withIntermediateDirectories: true)
                try Data(yaml.utf8).write(to: URL(fileURLWithPath: deviceDirectory + "/profile.yaml"), options: .atomic)
                written.append(DevProfile(name: name, directory: deviceDirectory, profile: try DeviceProfile.parse(yaml, source: name)))
            } catch let error as SupervisorError {
                throw CLIFailure(error.message)
            } catch {
                throw CLIFailure("cannot write the profile of the simulated device \(name) in \(deviceDirectory): \(error)")
            }
        }
        return written
    }

    static func welcome(base: String, devices: [(profile: DevProfile, port: Int, pid: Int32)], dataDirectory: String) -> String {
        let nameWidth = devices.map(\.profile.name.count).max() ?? 0
        let lines = devices.map { device -> String in
            let name = device.profile.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            let peripherals = device.profile.profile.peripherals.map { "\($0.kind.rawValue) (simulated)" }.joined(separator: ", ")
            return "  \(name)  http://127.0.0.1:\(device.port)  pid \(device.pid)  \(peripherals)"
        }.joined(separator: "\n")
        let frozen = devices.first { $0.profile.name == "compute-node" } ?? devices.last
        let freeze = frozen.map { device -> String in
            let command = { (text: String) in "  " + text.padding(toLength: 46, withPad: " ", startingAt: 0) + "# " }
            return command("kill -STOP \(device.pid)") + "freeze \(device.profile.name): tide events shows it go suspect, then dead,\n"
                + "  " + String(repeating: " ", count: 46) + "# and its steps move to another device\n"
                + command("kill -CONT \(device.pid)") + "it answers again and comes back alive"
        } ?? ""
        return """

            Tide dev fleet: server \(base), state in \(dataDirectory)
            Dashboard: \(base)/ (sign in with the operator token in \(dataDirectory)/operator.token)
            \(lines)

            Try, from this directory in another terminal:
              tide device ls                                # the five devices, alive within a second
              tide module ls                                # the bundled packages
              tide plan manifests/temperature-stats.yaml    # where each step would run, and why
              tide deploy apply manifests/lobby-camera.yaml # place it, push it, watch each device take its step
              tide run lobby-camera                         # camera -> classifier -> sink: each step's device, the class found
              tide run fibo n=20                            # after: tide deploy apply manifests/fibo.yaml
              tide events --follow                          # registrations and status changes as they happen
            \(freeze)
            Ctrl-C stops the fleet.

            """
    }
}
