import ArgumentParser
import Foundation
import TideClient
import TideModel
import TideTLS

/// Options every client command takes: where the server is and how to authenticate.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Tide server URL (env TIDE_SERVER).", valueName: "url"))
    var server: String?

    @Option(name: .long, help: ArgumentHelp("Operator token (env TIDE_TOKEN; default: read from <data-dir>/operator.token).", valueName: "token"))
    var token: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Server data directory to read the token and fleet CA from (env TIDE_DATA, default ./.tide).", valueName: "path"))
    var dataDirectory: String?

    @Option(name: .customLong("ca-cert"), help: ArgumentHelp(
        "The CA certificate (PEM) to trust the server by (env TIDE_CA_CERT; default: <data-dir>/tls/ca.pem when it exists, else the system's CAs).",
        valueName: "file"))
    var caCertificate: String?

    func client() throws -> TideClient {
        let environment = ProcessInfo.processInfo.environment
        let directory = dataDirectory ?? environment["TIDE_DATA"] ?? ".tide"
        let fleetCA = ServerCertificates.caCertificatePath(in: directory)
        let caFile = caCertificate ?? environment["TIDE_CA_CERT"] ?? (FileManager.default.fileExists(atPath: fleetCA) ? fleetCA : nil)
        // A server beside its data directory serves HTTPS once it has made its fleet CA.
        let server = server ?? environment["TIDE_SERVER"] ?? "\(caFile == nil ? "http" : "https")://127.0.0.1:3000"
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw CLIFailure("--server must be an http:// or https:// URL, got \"\(server)\"")
        }
        var resolvedToken = token ?? environment["TIDE_TOKEN"]
        if resolvedToken == nil {
            resolvedToken = try? OperatorToken.read(at: directory + "/" + OperatorToken.fileName)
        }
        guard server.hasPrefix("https://"), let caFile else { return TideClient(baseURL: server, token: resolvedToken) }
        do {
            let trust = try TLSCredentials.trustingClientConfiguration(trustFile: caFile)
            return TideClient(baseURL: server, token: resolvedToken, http: TideClient.failFastHTTP(tls: trust))
        } catch {
            throw CLIFailure(error.message)
        }
    }
}

/// `--json` for machine-readable output.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of a table or text.")
    var json = false
}
