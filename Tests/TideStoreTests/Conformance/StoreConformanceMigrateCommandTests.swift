import Foundation
import Testing
import TidePostgresStore
import TideStore
@testable import TideTesting

/// `tide datastore migrate`, the built binary run as an operator runs it.
@Suite("StoreConformance: the tide datastore migrate command", .enabled(if: StoreBackend.all.contains(.postgres)))
struct StoreConformanceMigrateCommandTests {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `tide` executable beside the test bundle, else in .build/debug.
    static var executable: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tide")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/tide")
    }

    /// Runs off the cooperative pool; output files instead of pipes, so a large output cannot block.
    static func tide(_ arguments: [String]) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tide-cli-\(UUID().uuidString)")
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                    defer { try? FileManager.default.removeItem(at: directory) }
                    let out = directory.appendingPathComponent("out")
                    let err = directory.appendingPathComponent("err")
                    try Data().write(to: out)
                    try Data().write(to: err)
                    let process = Process()
                    process.executableURL = executable
                    process.arguments = arguments
                    process.standardOutput = try FileHandle(forWritingTo: out)
                    process.standardError = try FileHandle(forWritingTo: err)
                    try process.run()
                    process.waitUntilExit()
                    return Outcome(
                        status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                        stderr: try String(contentsOf: err, encoding: .utf8))
                })
            }
        }
    }

    @Test("a running server's store is copied and checked: the table, then --json")
    func migrates() async throws {
        let source = try await MigrationSource.make()
        defer { source.remove() }
        // The source stays open (and written to after the copy) as a running server's would be.
        let server = try TideStore(path: source.databasePath)
        try await PostgresTestDatabase.withFresh { url in
            let text = StoreConformanceMigrationTests.text(url)
            let migrated = try await Self.tide(["datastore", "migrate", "--from", "sqlite:" + source.databasePath, "--to", text])
            #expect(migrated.status == 0, "\(migrated.stderr)")
            let lines = migrated.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["TABLE", "SOURCE", "ROWS", "TARGET", "ROWS", "SHA-256", "CHECK"])
            #expect(lines.contains { $0.hasPrefix("event ") && $0.split(separator: " ", omittingEmptySubsequences: true)[1...2] == ["8", "8"] && $0.hasSuffix("ok") })
            #expect(lines.contains { $0.hasPrefix("blobs ") && $0.hasSuffix("ok") })
            #expect(lines.last == "migrated sqlite:\(source.databasePath) to \(url): every table and blob matches; start the servers with --datastore")
            #expect(!migrated.stdout.contains(url.password ?? "-") && !migrated.stderr.contains(url.password ?? "-"))
            try server.append(StoreConformanceTests.event(.deviceRegistered, "b", "written after the copy"))
        }
        try await PostgresTestDatabase.withFresh { url in
            let migrated = try await Self.tide(
                ["datastore", "migrate", "--from", "sqlite:" + source.databasePath, "--to", StoreConformanceMigrationTests.text(url),
                 "--blobs", source.blobDirectory, "--json"])
            #expect(migrated.status == 0, "\(migrated.stderr)")
            let report = try JSONDecoder().decode(MigrationReport.self, from: Data(migrated.stdout.utf8))
            #expect(report.matches)
            #expect(report.tables.first { $0.table == "event" }?.targetRows == 9)
            #expect(report.blobs.targetBlobs == 3)
            #expect(migrated.stdout.contains("\"matches\" : true"))
        }
    }

    @Test("bad inputs exit 1 with one line that says what is wrong, and leave the target empty")
    func refusals() async throws {
        let source = try await MigrationSource.make()
        defer { source.remove() }
        try "some text, not SQLite".write(toFile: source.directory + "/notes.txt", atomically: true, encoding: .utf8)
        try await PostgresTestDatabase.withFresh { url in
            let target = StoreConformanceMigrationTests.text(url)
            let cases: [(arguments: [String], message: String)] = [
                (["--from", source.databasePath, "--to", target],
                 "tide: nothing was migrated: --from must be sqlite:PATH, the server's <data-dir>/tide.sqlite (e.g. sqlite:/var/lib/tide/tide.sqlite)"),
                (["--from", "sqlite:" + source.directory + "/missing.sqlite", "--to", target],
                 "tide: nothing was migrated: cannot open the database at \(source.directory)/missing.sqlite: there is no such file "
                    + "(a server's database is <data-dir>/tide.sqlite)"),
                (["--from", "sqlite:" + source.directory + "/notes.txt", "--to", target],
                 "tide: nothing was migrated: cannot open the database at \(source.directory)/notes.txt: it is not a Tide database (file is not a database)"),
                (["--from", "sqlite:" + source.databasePath, "--to", "mysql://tide:secret-password@127.0.0.1/tide"],
                 "tide: nothing was migrated: cannot open the database at the PostgreSQL datastore URL: its scheme is not postgres:// or "
                    + "postgresql://; expected postgres://user:password@host:port/database[?sslmode=disable|prefer|require]"),
                (["--from", "sqlite:" + source.databasePath, "--to", "postgres://tide:secret-password@127.0.0.1:1/tide?sslmode=disable"],
                 "tide: nothing was migrated: cannot open the database at postgres://tide:***@127.0.0.1:1/tide?sslmode=disable: cannot connect: "),
            ]
            for (arguments, message) in cases {
                let outcome = try await Self.tide(["datastore", "migrate"] + arguments)
                #expect(outcome.status == 1, "\(arguments)")
                #expect(outcome.stderr.hasPrefix(message), "\(outcome.stderr)")
                #expect(outcome.stderr.split(separator: "\n").count == 1, "\(outcome.stderr)")
                #expect(!outcome.stderr.contains("secret-password") && !outcome.stderr.contains(url.password ?? "-"))
                #expect(outcome.stdout.isEmpty)
                try await StoreConformanceMigrationTests.expectEmpty(url)
            }

            // A target that holds data: refused, and what it holds is unchanged.
            let first = try await Self.tide(["datastore", "migrate", "--from", "sqlite:" + source.databasePath, "--to", target])
            #expect(first.status == 0, "\(first.stderr)")
            let before = try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { try await $0.exportSnapshot() }
            let again = try await Self.tide(["datastore", "migrate", "--from", "sqlite:" + source.databasePath, "--to", target])
            #expect(again.status == 1)
            #expect(again.stderr.hasPrefix("tide: nothing was migrated: the target database \(url) is not empty (device: 2 rows"), "\(again.stderr)")
            #expect(again.stderr.hasSuffix("); migrate into a new, empty database (createdb), nothing was written\n"))
            let after = try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { try await $0.exportSnapshot() }
            #expect(after == before)
        }
    }
}
