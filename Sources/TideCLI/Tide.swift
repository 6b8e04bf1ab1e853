import ArgumentParser
import Foundation

/// The `tide` executable: server, device agent and client in one binary.
struct Tide: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tide",
        abstract: "Tide: a fleet orchestrator for WebAssembly on IoT and edge devices.",
        discussion: """
            Try it all on one machine with `tide dev`. In production run `tide server` on the orchestrator \
            and `tide supervisor` on each device, then manage the fleet with the client commands. Client commands talk to --server (env TIDE_SERVER, default http://127.0.0.1:3000) \
            with the operator token from --token, env TIDE_TOKEN, or <data-dir>/operator.token. Several servers sharing one database \
            are given comma-separated (--server https://tide-a:3000,https://tide-b:3000): a command moves to the next when one cannot be \
            reached and keeps to the one that answered; a request that changes something is sent to another server only when it \
            never reached the first, and `tide events --follow` resumes on the next server after the last event it printed.
            """,
        version: TideVersion.current,
        subcommands: [DevCommand.self, ServerCommand.self, SupervisorCommand.self, DeviceCommand.self, ModuleCommand.self, ResolveCommand.self, PlanCommand.self, DeployCommand.self, RunCommand.self, EventsCommand.self, StatusCommand.self, TokenCommand.self, KeyCommand.self, DatastoreCommand.self]
    )
}

enum TideVersion {
    static let current = "0.1.0"
}

@main
enum Main {
    static func main() async {
        do {
            var command = try Tide.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CLIFailure {
            FileHandle.standardError.write(Data("tide: \(failure.message)\n".utf8))
            exit(1)
        } catch {
            Tide.exit(withError: error)
        }
    }
}

/// A failure to report as one line on stderr, exit code 1.
struct CLIFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
    init(_ error: any Error) { self.message = String(describing: error) }
}
