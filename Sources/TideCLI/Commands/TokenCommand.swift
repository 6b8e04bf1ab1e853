import ArgumentParser
import Foundation
import TideClient
import TideModel

extension OperatorRole: ExpressibleByArgument {}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke operator tokens and their roles (needs an admin token).",
        discussion: """
            Roles: viewer (reads, dry-run plans and resolutions), deployer (deployments and runs, and what a \
            viewer may do), admin (everything: publishing, devices, tokens). The server keeps only a hash \
            of each token; its secret is printed once, when it is created. Every call that changes \
            something, or tries to, is written to the audit log with its token (tide token audit). The server's own \
            <data-dir>/operator.token is an admin token; rotate it by deleting the file and restarting.
            """,
        subcommands: [Create.self, List.self, Revoke.self, Audit.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create a token; prints its secret, which is shown only this once.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "A name that says who or what uses it (1-100 characters).") var name: String
        @Option(help: "viewer, deployer or admin.") var role: OperatorRole

        func run() async throws {
            let created = try await call { try await client.client().createToken(name: name, role: role) }
            if output.json { return print(try TideJSON.text(created)) }
            print("\(created.token.id)  \(created.token.name)  \(created.token.role.rawValue)")
            print("secret (shown only now; give it as TIDE_TOKEN or --token): \(created.secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List tokens: id, name, role, created, by.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let tokens = try await call { try await client.client().tokens() }
            if output.json { return print(try TideJSON.text(TokenList(tokens: tokens))) }
            var table = Table(header: ["ID", "NAME", "ROLE", "CREATED", "BY"])
            for token in tokens {
                table.rows.append([
                    token.id, token.name, token.role.rawValue, Formatting.ago(token.createdAt),
                    token.bootstrap ? "(operator.token)" : token.createdBy ?? "-",
                ])
            }
            print(table.render())
        }
    }

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit", abstract: "Show the audit log: who changed what (or tried to), newest last.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Entries to show (1-1000).") var limit = 100
        @Option(help: "Only entries after this id (for paging forward).") var after: Int64?

        func run() async throws {
            let page = try await call { try await client.client().audit(after: after, limit: limit) }
            if output.json { return print(try TideJSON.text(page)) }
            var table = Table(header: ["ID", "TIME", "TOKEN", "NAME", "ROLE", "CALL", "STATUS"])
            for entry in page.entries {
                table.rows.append([
                    String(entry.id), TideJSON.formatTimestamp(entry.time), entry.token, entry.name, entry.role.rawValue,
                    "\(entry.method) \(entry.path)", String(entry.status),
                ])
            }
            print(table.render())
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke", abstract: "Revoke a token: the next request with it is refused.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Token id (tok-...).") var id: String

        func run() async throws {
            try await call { try await client.client().revokeToken(id) }
            print("revoked \(id)")
        }
    }
}
