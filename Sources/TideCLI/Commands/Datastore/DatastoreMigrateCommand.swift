import ArgumentParser
import Foundation
import Logging
import TidePostgresStore

struct DatastoreMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a single server's SQLite store and blobs into an empty PostgreSQL database, and check the copy.",
        discussion: """
            Reads the whole SQLite database in one read transaction (the server may keep running: the copy is \
            the state at that moment) and the blob files, then writes everything into the PostgreSQL database \
            in one transaction: devices with health and endpoints, removed devices, the event log and the \
            audit log with their ids, packages and their files, deployments, API tokens (the bootstrap token \
            too), join tokens, device certificates and the blobs. On any failure nothing is written. The \
            target must be empty (a new database; it is migrated first); a non-empty one is refused. Then \
            both sides are compared table by table (row count and a SHA-256 of the content) and blob by blob; \
            exits 1 when they differ. The password in the URL is never printed. See docs/datastore-migrate.md.
            """)

    @Option(help: ArgumentHelp("The server's SQLite database: sqlite:<data-dir>/tide.sqlite.", valueName: "sqlite:path"))
    var from: String

    @Option(help: ArgumentHelp(
        "The PostgreSQL database: postgres://user:password@host:port/database[?sslmode=disable|prefer|require].", valueName: "url"))
    var to: String

    @Option(help: ArgumentHelp("The server's blob directory (default: blobs beside the SQLite file, <data-dir>/blobs).", valueName: "dir"))
    var blobs: String?

    @OptionGroup var output: OutputOptions

    func run() async throws {
        var logger = Logger(label: "tide.datastore.migrate")
        logger.logLevel = .warning
        let report: MigrationReport
        do {
            report = try await DatastoreMigration.run(from: from, to: to, blobs: blobs, logger: logger)
        } catch {
            throw CLIFailure("nothing was migrated: \(error)")
        }
        if output.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.table(report))
        }
        guard report.matches else {
            throw CLIFailure(
                "the copy in \(report.target) differs from the source: " + report.differences.joined(separator: "; ")
                    + "; do not start replicas on it: drop the database, create it again and migrate again")
        }
        if !output.json {
            print("migrated \(report.source) to \(report.target): every table and blob matches; start the servers with --datastore")
        }
    }

    static func table(_ report: MigrationReport) -> String {
        var table = Table(header: ["TABLE", "SOURCE ROWS", "TARGET ROWS", "SHA-256", "CHECK"])
        for check in report.tables {
            table.rows.append([
                check.table, String(check.sourceRows), String(check.targetRows), String(check.sourceDigest.prefix(12)),
                check.matches ? "ok" : "MISMATCH",
            ])
        }
        table.rows.append([
            "blobs", String(report.blobs.sourceBlobs), String(report.blobs.targetBlobs), "-", report.blobs.matches ? "ok" : "MISMATCH",
        ])
        return table.render()
    }
}
