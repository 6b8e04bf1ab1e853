import ArgumentParser
import Foundation
import TideClient
import TideModel
import TideTLS

/// Options every client command takes: where the server is and how to authenticate.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Tide server URL, or the URLs of several servers that share one database, comma-separated: the next is tried when one cannot be reached (env TIDE_SERVER; at most \(ServerURLList.maxCount)).",
        valueName: "url[,url...]"))
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
        let servers = try servers(environment: environment, defaultScheme: caFile == nil ? "http" : "https")
        var resolvedToken = token ?? environment["TIDE_TOKEN"]
        if resolvedToken == nil {
            resolvedToken = try? OperatorToken.read(at: directory + "/" + OperatorToken.fileName)
        }
        guard servers.urls.contains(where: { $0.lowercased().hasPrefix("https://") }), let caFile else {
            return TideClient(servers: servers, token: resolvedToken)
        }
        do {
            let trust = try TLSCredentials.trustingClientConfiguration(trustFile: caFile)
            return TideClient(servers: servers, token: resolvedToken, http: TideClient.failFastHTTP(tls: trust))
        } catch {
            throw CLIFailure(error.message)
        }
    }

    /// The servers from --server, else TIDE_SERVER, else this machine's port 3000.
    func servers(environment: [String: String], defaultScheme: String) throws(CLIFailure) -> ServerURLList {
        let (text, source) =
            if let server { (server, "--server") }
            else if let variable = environment["TIDE_SERVER"], !variable.isEmpty { (variable, "TIDE_SERVER") }
            else { ("\(defaultScheme)://127.0.0.1:3000", "the default server") }
        do {
            return try ServerURLList(parsing: text, source: source)
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
