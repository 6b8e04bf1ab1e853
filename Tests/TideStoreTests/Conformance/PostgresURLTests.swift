import Foundation
import Testing
import TidePostgresStore
import TideStore
@testable import TideTesting

@Suite("PostgreSQL datastore URL")
struct PostgresURLTests {
    @Test("a URL gives host, port, user, password, database and TLS mode; its description hides the password")
    func parse() throws {
        let url = try PostgresURL("postgres://tide:s%3Acr%40t@db.example:6543/fleet?sslmode=require")
        #expect(url == PostgresURL(host: "db.example", port: 6543, username: "tide", password: "s:cr@t", database: "fleet", tls: .require))
        #expect(url.description == "postgres://tide:***@db.example:6543/fleet?sslmode=require")
        #expect(!url.description.contains("cr"))
        let defaults = try PostgresURL("postgresql://tide@127.0.0.1/tide")
        #expect(defaults.port == 5432 && defaults.password == nil && defaults.tls == .prefer)
        #expect(defaults.with(database: "other").database == "other")
    }

    @Test(
        "a malformed URL is a clear error that never repeats the password",
        arguments: [
            ("mysql://u:hunter2@h:1/d", "scheme"),
            ("postgres://u:hunter2@:5432/d", "host"),
            ("postgres://:hunter2@h:5432/d", "user"),
            ("postgres://u:hunter2@h:5432", "database"),
            ("postgres://u:hunter2@h:5432/d?sslmode=maybe", "sslmode"),
            ("postgres://u:hunter2@h:5432/d?timeout=3", "unknown parameter"),
            ("not a url at all hunter2", "scheme"),
        ])
    func malformed(text: String, problem: String) {
        let error = #expect(throws: StoreError.self) { _ = try PostgresURL(text) }
        let message = error.map(String.init(describing:)) ?? ""
        #expect(message.contains(problem), "\(message)")
        #expect(message.contains("expected postgres://user:password@host:port/database"))
        #expect(!message.contains("hunter2"))
    }

    @Test("a server that does not answer is a clear error, not a hang")
    func unreachable() async throws {
        // A port nothing listens on: bind one, close it.
        let url = PostgresURL(host: "127.0.0.1", port: 9, username: "tide", password: "hunter2", database: "tide", tls: .disable)
        let started = ContinuousClock.now
        let error = await #expect(throws: StoreError.self) {
            try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { _ in }
        }
        #expect(ContinuousClock.now - started < .seconds(30))
        let message = error.map(String.init(describing:)) ?? ""
        #expect(message.contains("127.0.0.1:9"), "\(message)")
        #expect(!message.contains("hunter2"))
    }
}
