import ArgumentParser
import Foundation
import TideClient
import TideOrchestrator

/// Options every client command takes: where the server is and how to authenticate.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Tide server URL (env TIDE_SERVER).", valueName: "url"))
    var server: String?

    @Option(name: .long, help: ArgumentHelp("Operator token (env TIDE_TOKEN; default: read from <data-dir>/operator.token).", valueName: "token"))
    var token: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Server data directory to read the token from (env TIDE_DATA, default ./.tide).", valueName: "path"))
    var dataDirectory: String?

    func client() throws -> TideClient {
        let environment = ProcessInfo.processInfo.environment
        let server = server ?? environment["TIDE_SERVER"] ?? "http://127.0.0.1:3000"
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw CLIFailure("--server must be an http:// or https:// URL, got \"\(server)\"")
        }
        var resolvedToken = token ?? environment["TIDE_TOKEN"]
        if resolvedToken == nil {
            let directory = dataDirectory ?? environment["TIDE_DATA"] ?? ".tide"
            resolvedToken = try? OperatorToken.read(at: directory + "/" + OperatorToken.fileName)
        }
        return TideClient(baseURL: server, token: resolvedToken)
    }
}

/// `--json` for machine-readable output.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of a table or text.")
    var json = false
}
