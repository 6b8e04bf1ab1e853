import ArgumentParser
import Foundation
import TideClient
import TideModel

/// `tide device token`: join tokens that devices enroll with.
struct JoinTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke join tokens that devices enroll with (needs an admin token).",
        discussion: """
            A device enrolls with "tide supervisor --join https://server:3000 --join-token <token> \
            --ca-fingerprint <fingerprint>": it makes its key, sends a certificate request, and gets a \
            certificate from the fleet CA naming its device id. From then on it talks mutual TLS; no shared \
            secret reaches it. The server keeps only a hash of each token; the token is printed once.
            """,
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create a join token; prints it (shown only this once) and the CA fingerprint.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Option(help: ArgumentHelp("Seconds the token is valid (at most 30 days).", valueName: "seconds")) var ttl = 3600.0
        @Option(help: "Devices that may enroll with it (1-10000).") var uses = 1
        @Option(name: .customLong("label"), help: ArgumentHelp("A label every device enrolled with it gets; repeatable.", valueName: "key=value"))
        var labels: [String] = []

        func validate() throws {
            try SecondsOptions.validate([("--ttl", ttl)])
            guard ttl > 0 else { throw ValidationError("--ttl must be more than 0") }
            _ = try parsedLabels()
        }

        func parsedLabels() throws -> [String: String] {
            var result: [String: String] = [:]
            for label in labels {
                guard let equals = label.firstIndex(of: "="), equals != label.startIndex else {
                    throw ValidationError("--label takes key=value, not \"\(label)\"")
                }
                result[String(label[..<equals])] = String(label[label.index(after: equals)...])
            }
            return result
        }

        func run() async throws {
            let request = CreateJoinTokenRequest(ttlSeconds: ttl, uses: uses, labels: try parsedLabels())
            let created = try await call { try await client.client().createJoinToken(request) }
            if output.json { return print(try TideJSON.text(created)) }
            let token = created.joinToken
            print("join token \(token.id): \(token.usesLeft) use(s) until \(TideJSON.formatTimestamp(token.expiresAt))")
            print("token (shown only now): \(created.token)")
            print("CA fingerprint:         \(created.caFingerprint)")
            print("on the device: tide supervisor --join <this server's https URL> --join-token \(created.token) --ca-fingerprint \(created.caFingerprint)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List join tokens: id, uses left, expiry, labels.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let tokens = try await call { try await client.client().joinTokens() }
            if output.json { return print(try TideJSON.text(JoinTokenList(joinTokens: tokens))) }
            var table = Table(header: ["ID", "USES LEFT", "EXPIRES", "LABELS", "BY"])
            for token in tokens {
                let labels = token.labels.keys.sorted().map { "\($0)=\(token.labels[$0] ?? "")" }.joined(separator: ",")
                table.rows.append([
                    token.id, String(token.usesLeft),
                    token.expiresAt < Date() ? "expired" : TideJSON.formatTimestamp(token.expiresAt),
                    labels.isEmpty ? "-" : labels, token.createdBy ?? "-",
                ])
            }
            print(table.render())
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke", abstract: "Revoke a join token: no device can enroll with it any more (enrolled ones stay).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Join token id.") var id: String

        func run() async throws {
            try await call { try await client.client().revokeJoinToken(id) }
            print("join token \(id) revoked")
        }
    }
}
