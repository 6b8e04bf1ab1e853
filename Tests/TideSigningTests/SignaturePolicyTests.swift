import Foundation
import Testing
import TideSigning

@Suite("Package signatures")
struct SignaturePolicyTests {
    static let statement = PackageStatement(
        name: "acme-sensor", version: "1.0.0", manifestSHA256: String(repeating: "a", count: 64),
        moduleSHA256: String(repeating: "b", count: 64), files: ["model": String(repeating: "c", count: 64), "labels": String(repeating: "d", count: 64)])

    @Test("the statement is canonical: data files sorted, one fact a line")
    func statementText() {
        let text = String(decoding: Self.statement.bytes, as: UTF8.self)
        #expect(text == """
            tide-package-signature-v1
            package acme-sensor 1.0.0
            manifest \(String(repeating: "a", count: 64))
            module \(String(repeating: "b", count: 64))
            file labels \(String(repeating: "d", count: 64))
            file model \(String(repeating: "c", count: 64))

            """)
    }

    @Test("a trusted key's signature passes; any change to the statement fails with the key named")
    func verify() throws {
        let key = PublisherSigningKey.generate(name: "acme")
        let signature = try key.sign(Self.statement)
        let policy = SignaturePolicy(trusted: [key.publicKey], requiredPrefixes: ["acme-"])
        #expect(try policy.check(Self.statement, signatures: [signature])?.id == key.publicKey.id)

        var tampered = Self.statement
        tampered.files["model"] = String(repeating: "e", count: 64)
        #expect(throws: SigningError.self) { try policy.check(tampered, signatures: [signature]) }
        do {
            _ = try policy.check(tampered, signatures: [signature])
        } catch {
            #expect(error.message.hasPrefix("the signature of acme-sensor 1.0.0 by key acme (\(key.publicKey.id)) does not match its files"))
        }
    }

    @Test("policy: unsigned and untrusted-only packages are refused where signing is required, allowed elsewhere")
    func policy() throws {
        let trusted = PublisherSigningKey.generate(name: "acme")
        let stranger = PublisherSigningKey.generate(name: "stranger")
        let policy = SignaturePolicy(trusted: [trusted.publicKey], requiredPrefixes: ["acme-"])
        do {
            _ = try policy.check(Self.statement, signatures: [])
            Issue.record("an unsigned package under policy passed")
        } catch {
            #expect(error.message == "acme-sensor 1.0.0 is not signed; packages named acme-sensor must be signed by a trusted key")
        }
        do {
            _ = try policy.check(Self.statement, signatures: [try stranger.sign(Self.statement)])
            Issue.record("a package signed by an untrusted key passed")
        } catch {
            #expect(error.message.contains("is signed only by keys this side does not trust (\(stranger.publicKey.id))"))
        }
        var other = Self.statement
        other.name = "fibo"
        #expect(try policy.check(other, signatures: []) == nil)
        #expect(try policy.check(other, signatures: [try stranger.sign(other)]) == nil)
    }

    @Test("key files round-trip; malformed ones are refused with a reason")
    func keyFiles() throws {
        let key = PublisherSigningKey.generate(name: "acme")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tide-keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try key.fileText.write(toFile: directory + "/acme.key", atomically: true, encoding: .utf8)
        try key.publicKey.fileText.write(toFile: directory + "/acme.pub", atomically: true, encoding: .utf8)
        let loaded = try PublisherSigningKey.load(path: directory + "/acme.key")
        #expect(loaded.publicKey == key.publicKey)
        #expect(try PublisherKey.load(path: directory + "/acme.pub") == key.publicKey)
        #expect(throws: SigningError.self) { try PublisherKey(fileText: "tide-ed25519-public AAAA acme", source: "x.pub") }
        #expect(throws: SigningError.self) { try PublisherKey(fileText: "ssh-ed25519 AAAA", source: "x.pub") }
        #expect(throws: SigningError.self) { try PackageSignatureFile.parse(Array("{\"signatures\": [{\"key\": \"k\", \"signature\": \"short\"}]}".utf8)) }
        #expect(throws: SigningError.self) { try PackageSignatureFile.parse([UInt8](repeating: 32, count: 20_000)) }
    }
}
