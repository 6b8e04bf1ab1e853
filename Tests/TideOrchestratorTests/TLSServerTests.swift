import AsyncHTTPClient
import Crypto
import Foundation
import Testing
import TideClient
import TideModel
import TideOrchestrator
import TideTLS
import X509
@testable import TideTesting

/// `tide server` over HTTPS with its fleet CA or an operator's PKI, through real TLS handshakes.
@Suite("TLS between clients, server and supervisors", .serialized, .stopsWhatItStarts)
struct TLSServerTests {
    private func client(_ server: TestServer, trusting caFile: String) throws -> TideClient {
        TideClient(baseURL: server.baseURL, token: server.token, http: try HTTPProbe.trusting(caFile: caFile))
    }

    /// Another CA's certificate, written to a file.
    private func strangerCA() throws -> String {
        let path = TemporaryDirectory.make() + "/other-ca.pem"
        try FleetCA.create().pem().certificate.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("the server makes a fleet CA on first start and serves HTTPS that only clients trusting it accept")
    func fleetCA() async throws {
        let server = try await TestServer.start(transport: .fleetCA(extraHosts: []))
        #expect(server.baseURL.hasPrefix("https://"))
        let caFile = server.dataDirectory + "/tls/ca.pem"
        let key = try FileManager.default.attributesOfItem(atPath: server.dataDirectory + "/tls/ca.key")
        #expect((key[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        #expect(try await client(server, trusting: caFile).devices().isEmpty)

        do {
            _ = try await client(server, trusting: try strangerCA()).devices()
            Issue.record("a client trusting another CA was answered")
        } catch {
            #expect("\(error)".contains("the server's certificate is not signed by the CA this client trusts"), "\(error)")
        }
        let plain = TideClient(baseURL: "http://127.0.0.1:\(server.port)", token: server.token)
        do {
            _ = try await plain.devices()
            Issue.record("plain HTTP was answered by an HTTPS server")
        } catch {
            #expect(error.status == nil, "\(error)")
        }
    }

    @Test("a restarted server keeps its CA; a new data directory gets a new one")
    func caSurvivesRestarts() async throws {
        let directory = TemporaryDirectory.make()
        let first = try await TestServer.start(dataDirectory: directory, transport: .fleetCA(extraHosts: []))
        let before = try String(contentsOfFile: directory + "/tls/ca.pem", encoding: .utf8)
        await first.stop()
        let second = try await TestServer.start(dataDirectory: directory, transport: .fleetCA(extraHosts: []))
        #expect(try String(contentsOfFile: directory + "/tls/ca.pem", encoding: .utf8) == before)
        #expect(try await client(second, trusting: directory + "/tls/ca.pem").devices().isEmpty)
    }

    @Test("with the operator's PKI the server serves their certificate; an expired one is refused by clients")
    func operatorPKI() async throws {
        let folder = TemporaryDirectory.make()
        let ca = try FleetCA.create()
        try ca.pem().certificate.write(toFile: folder + "/ca.pem", atomically: true, encoding: .utf8)
        func serverCertificate(_ name: String, now: Date, validity: TimeInterval) throws -> (String, String) {
            let key = P256.Signing.PrivateKey()
            let certificate = try ca.issue(
                role: .server, commonName: "ops server", publicKey: Certificate.PublicKey(key.publicKey), hosts: ["127.0.0.1", "localhost"],
                validity: validity, now: now)
            let certificatePath = folder + "/\(name).pem", keyPath = folder + "/\(name).key"
            try certificate.serializeAsPEM().pemString.write(toFile: certificatePath, atomically: true, encoding: .utf8)
            try key.pemRepresentation.write(toFile: keyPath, atomically: true, encoding: .utf8)
            return (certificatePath, keyPath)
        }
        let (good, goodKey) = try serverCertificate("good", now: Date(), validity: 86_400)
        let server = try await TestServer.start(
            transport: .operatorPKI(certificateFile: good, keyFile: goodKey, caFile: folder + "/ca.pem"))
        #expect(try await client(server, trusting: folder + "/ca.pem").devices().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: server.dataDirectory + "/tls/ca.key"))
        await server.stop()

        let (expired, expiredKey) = try serverCertificate("expired", now: Date() - 3 * 86_400, validity: 86_400)
        let stale = try await TestServer.start(
            transport: .operatorPKI(certificateFile: expired, keyFile: expiredKey, caFile: folder + "/ca.pem"))
        do {
            _ = try await client(stale, trusting: folder + "/ca.pem").devices()
            Issue.record("an expired server certificate was accepted")
        } catch {
            #expect("\(error)".contains("not signed by the CA this client trusts") || "\(error)".contains("CERTIFICATE_VERIFY_FAILED"), "\(error)")
        }
    }

    @Test("a server refuses to start with a key that does not match its certificate, and says which files")
    func mismatchedOperatorKey() async throws {
        let folder = TemporaryDirectory.make()
        let ca = try FleetCA.create()
        try ca.pem().certificate.write(toFile: folder + "/ca.pem", atomically: true, encoding: .utf8)
        try ca.pem().certificate.write(toFile: folder + "/cert.pem", atomically: true, encoding: .utf8)
        try "not a key".write(toFile: folder + "/key.pem", atomically: true, encoding: .utf8)
        do {
            let server = try await TestServer.start(
                transport: .operatorPKI(certificateFile: folder + "/cert.pem", keyFile: folder + "/key.pem", caFile: folder + "/ca.pem"))
            await server.stop()
            Issue.record("the server started with a broken key")
        } catch {
            #expect("\(error)".contains("the private key is not PEM"), "\(error)")
        }
    }

    @Test("tide server logs the CA fingerprint; the CLI beside the data directory and a supervisor with --ca-cert trust it")
    func processes() async throws {
        let directory = TemporaryDirectory.make()
        let server = try await ChildProcess.startTide(
            [
                "server", "--port", "{port}", "--data-dir", directory, "--registry", "none", "--no-mdns", "--log-level", "notice",
                "--plain-http-devices",
            ],
            readyPath: "/healthz", scheme: "https")
        defer { server.stop() }
        let certificate = try Certificate(pemEncoded: String(contentsOfFile: directory + "/tls/ca.pem", encoding: .utf8))
        let fingerprint = try CertificateFingerprint(certificate)
        #expect(server.output().contains("fleet CA \(fingerprint)"), "\(server.output())")
        #expect(server.output().contains("listening on https://127.0.0.1:\(server.port)"), "\(server.output())")

        let base = "https://127.0.0.1:\(server.port)"
        let listed = try await TideProcess.run(["device", "ls", "--server", base, "--data-dir", directory])
        #expect(listed.status == 0, "\(listed.stderr)")
        let wrong = try await TideProcess.run(["device", "ls", "--server", base, "--data-dir", directory, "--ca-cert", try strangerCA()])
        #expect(wrong.status != 0 && wrong.stderr.contains("not signed by the CA this client trusts"), "\(wrong.stderr)")

        let fleetToken = try String(contentsOfFile: directory + "/supervisor.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let trusting = try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--name", "tls-device", "--data-dir", TemporaryDirectory.make(),
            "--orchestrator", base, "--token", fleetToken, "--ca-cert", directory + "/tls/ca.pem", "--log-level", "warning",
        ])
        defer { trusting.stop() }
        let stranger = try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--name", "no-ca-device", "--data-dir", TemporaryDirectory.make(),
            "--orchestrator", base, "--token", fleetToken, "--log-level", "warning",
        ])
        defer { stranger.stop() }
        #expect(try await eventually(timeout: .seconds(15)) {
            let answer = try await TideProcess.run(["device", "ls", "--json", "--server", base, "--data-dir", directory])
            let devices = try TideJSON.decoder().decode(DeviceList.self, from: Data(answer.stdout.utf8)).devices
            return devices.map(\.name) == ["tls-device"]
                && devices.allSatisfy { $0.status == .alive && $0.trust == .token && $0.transport == "http" }
        })
        #expect(try await eventually(timeout: .seconds(10)) { stranger.output().contains("the orchestrator's certificate is not signed by a CA this supervisor trusts") }, "\(stranger.output())")
    }
}
