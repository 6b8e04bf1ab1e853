import Foundation
import Testing
import TideModel
import TidePackageFormat
import TideSigning
@testable import TideTesting

/// Signed packages end to end: keys made by `tide key create`, signed publishing by
/// `tide module publish --sign`, the server's policy, and a supervisor that runs only what a key
/// it trusts signed.
@Suite("Signed packages", .serialized, .stopsWhatItStarts)
struct SignedPackageTests {
    /// registry/fibo@1.1.0 under another name, in a directory of its own.
    static func package(named name: String) throws -> String {
        let directory = TemporaryDirectory.make()
        let source = Repository.registry + "/fibo@1.1.0"
        for file in try FileManager.default.contentsOfDirectory(atPath: source) {
            try FileManager.default.copyItem(atPath: source + "/" + file, toPath: directory + "/" + file)
        }
        let yaml = try String(contentsOfFile: directory + "/package.yaml", encoding: .utf8)
            .replacingOccurrences(of: "name: fibo\n", with: "name: \(name)\n")
        try yaml.write(toFile: directory + "/package.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    static func keys() async throws -> (directory: String, acme: PublisherSigningKey, stranger: PublisherSigningKey) {
        let directory = TemporaryDirectory.make()
        for name in ["acme", "stranger"] {
            let made = try await TideProcess.run(["key", "create", name, "--dir", directory])
            #expect(made.status == 0, "\(made.stderr)")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/acme.key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let again = try await TideProcess.run(["key", "create", "acme", "--dir", directory])
        #expect(again.status == 1 && again.stderr.contains("keys are never overwritten"), "\(again.stderr)")
        return (
            directory, try PublisherSigningKey.load(path: directory + "/acme.key"),
            try PublisherSigningKey.load(path: directory + "/stranger.key")
        )
    }

    @Test("the server publishes what a trusted key signed and refuses tampered, untrusted and unsigned packages under its policy")
    func publishing() async throws {
        let keys = try await Self.keys()
        let server = try await TestServer.start(
            bundledRegistry: Repository.registry, trustedKeyFiles: [keys.directory + "/acme.pub"], requireSignedPrefixes: ["acme-"])
        let common = ["--server", server.baseURL, "--data-dir", server.dataDirectory]

        let signed = try await TideProcess.run(
            ["module", "publish", try Self.package(named: "acme-fibo"), "--sign", keys.directory + "/acme.key"] + common)
        #expect(signed.status == 0, "\(signed.stderr)")
        let shown = try await TideProcess.run(["module", "show", "acme-fibo"] + common)
        #expect(shown.stdout.contains("signed:       by acme (\(keys.acme.publicKey.id))"), "\(shown.stdout)")
        let published = try server.store().events().last { $0.kind == .packagePublished }
        #expect(published?.message.hasSuffix("signed by acme (\(keys.acme.publicKey.id))") == true)

        let versionsBefore = try server.store().packageVersions().count
        // Changed after signing: the manifest's digest no longer matches the statement.
        var tampered = try PackageDirectory.read(at: try Self.package(named: "acme-tampered")).signed(with: keys.acme)
        tampered.files["package.yaml"] = Array((String(decoding: tampered.files["package.yaml"] ?? [], as: UTF8.self) + "\n# changed\n").utf8)
        let answers = [
            try await server.request(.POST, "/api/v1/packages", bytes: try tampered.tar(), contentType: "application/x-tar"),
            try await server.request(
                .POST, "/api/v1/packages",
                bytes: try PackageDirectory.read(at: try Self.package(named: "acme-stranger")).signed(with: keys.stranger).tar(),
                contentType: "application/x-tar"),
            try await server.request(
                .POST, "/api/v1/packages", bytes: try PackageDirectory.read(at: try Self.package(named: "acme-unsigned")).tar(),
                contentType: "application/x-tar"),
        ]
        let expected = [
            "the signature of acme-tampered 1.1.0 by key acme (\(keys.acme.publicKey.id)) does not match its files",
            "acme-stranger 1.1.0 is signed only by keys this side does not trust (\(keys.stranger.publicKey.id))",
            "acme-unsigned 1.1.0 is not signed; packages named acme-unsigned must be signed by a trusted key",
        ]
        for (answer, message) in zip(answers, expected) {
            #expect(answer.status == 422, "\(answer.body)")
            #expect(errorOf(answer.body)?.code == "signature_refused")
            #expect(errorOf(answer.body)?.message.hasPrefix(message) == true, "\(answer.body)")
        }
        #expect(try server.store().packageVersions().count == versionsBefore)

        // Outside the policy's prefixes, unsigned packages are published as before.
        let plain = try await server.request(
            .POST, "/api/v1/packages", bytes: try PackageDirectory.read(at: try Self.package(named: "plain-fibo")).tar(),
            contentType: "application/x-tar")
        #expect(plain.status == 201, "\(plain.body)")
    }

    @Test("a supervisor with --require-signed runs what a trusted key signed and refuses the rest before downloading anything")
    func supervisorChecks() async throws {
        let keys = try await Self.keys()
        let server = try await TestServer.start(bundledRegistry: Repository.registry, trustedKeyFiles: [keys.directory + "/acme.pub"])
        let device = try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--name", "strict", "--data-dir", TemporaryDirectory.make(),
            "--orchestrator", server.baseURL, "--token", server.fleetToken, "--trusted-key", keys.directory + "/acme.pub",
            "--require-signed", "--log-level", "warning",
        ])
        defer {
            device.stop()
        }
        #expect(try await eventually(timeout: .seconds(10)) { try await server.client.devices(status: .alive).count == 1 })
        let common = ["--server", server.baseURL, "--data-dir", server.dataDirectory]
        let signed = try await TideProcess.run(
            ["module", "publish", try Self.package(named: "acme-fibo"), "--sign", keys.directory + "/acme.key"] + common)
        #expect(signed.status == 0, "\(signed.stderr)")

        let good = try await server.client.apply(
            manifest: Array("name: good\nsteps:\n  - name: f\n    module: acme-fibo@^1.1\n    function: fibo\n".utf8), json: false)
        #expect(good.status == .active, "\(good)")
        #expect(try await server.client.run("good", inputs: ["n": .number(10)]).result == .number(55))

        let unsigned = try? await server.client.apply(
            manifest: Array("name: bad\nsteps:\n  - name: f\n    module: fibo@^1.1\n    function: fibo\n".utf8), json: false)
        let bad = try await server.client.deployment("bad")
        #expect(bad.status != .active, "\(String(describing: unsigned))")
        let reasons = (bad.steps.compactMap(\.error) + [bad.reason ?? ""]).joined(separator: " | ")
        #expect(reasons.contains("fibo@1.1.0): fibo 1.1.0 is not signed; packages named fibo must be signed by a trusted key; nothing was installed"), "\(reasons)")
        let installed = try await HTTPProbe.get("http://127.0.0.1:\(device.port)/bad/modules/f/fibo?param0=3&wait=true")
        #expect(installed.status == 404)
    }
}
