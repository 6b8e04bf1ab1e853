import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOSSL
import Testing
import TideClient
import TideModel
import TideOrchestrator
import TideTLS
import X509
@testable import TideTesting

/// Join tokens, `POST /enroll` and devices that talk mutual TLS, through real TLS handshakes
/// and real `tide` processes.
@Suite("Enrollment and mutual TLS", .serialized, .stopsWhatItStarts)
struct EnrollmentTests {
    private func fleetServer(validity: TimeInterval = 90 * 86_400, registry: String? = nil) async throws -> TestServer {
        try await TestServer.start(
            bundledRegistry: registry, transport: .fleetCA(extraHosts: []), deviceCertificateValidity: validity)
    }

    private func http(_ server: TestServer) throws -> HTTPClient {
        try HTTPProbe.trusting(caFile: server.dataDirectory + "/tls/ca.pem")
    }

    private func client(_ server: TestServer) throws -> TideClient {
        TideClient(baseURL: server.baseURL, token: server.token, http: try http(server))
    }

    /// `POST /enroll` with a new key's CSR; the answer and that key.
    private func enroll(_ server: TestServer, token: String, id: String, csrFor csrID: String? = nil)
        async throws -> (status: Int, body: String, keyPEM: String)
    {
        let request = try DeviceCertificateRequest.make(deviceID: csrID ?? id)
        let body = String(decoding: try TideJSON.encoder().encode(EnrollRequest(joinToken: token, deviceId: id, csr: request.csrPEM)), as: UTF8.self)
        let answer = try await HTTPProbe.post(server.baseURL + "/enroll", json: body, client: try http(server))
        return (answer.status, answer.body, request.keyPEM)
    }

    /// A `tide supervisor` that enrolls with the join token, in `data`.
    private func enrolledSupervisor(_ server: TestServer, name: String, data: String, with created: CreatedJoinToken)
        async throws -> ChildProcess
    {
        try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--name", name, "--data-dir", data, "--join", server.baseURL,
            "--join-token", created.token, "--ca-fingerprint", created.caFingerprint, "--log-level", "notice",
        ], scheme: "https")
    }

    /// A heartbeat for `id` over mutual TLS with the given certificate: "<status> <body>".
    private func heartbeat(_ server: TestServer, id: String, certificatePEM: String, keyPEM: String) async throws -> String {
        let caPEM = try String(contentsOfFile: server.dataDirectory + "/tls/ca.pem", encoding: .utf8)
        let credentials = try TLSCredentials(certificatePEM: certificatePEM, keyPEM: keyPEM, trustPEM: caPEM)
        var request = HTTPClientRequest(url: server.baseURL + "/file/device/heartbeat")
        request.method = .POST
        request.tlsConfiguration = credentials.clientConfiguration()
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"id": "\#(id)", "port": 1, "health": {"cpuUsage": 0.1, "memoryUsage": 0.2}}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 16)
        return "\(response.status.code) \(String(buffer: body))"
    }

    @Test("a join token enrolls as many devices as its uses; a refusal takes no use; expired, unknown and stolen ids are refused")
    func joinTokenRules() async throws {
        let server = try await fleetServer()
        let created = try await client(server).createJoinToken(CreateJoinTokenRequest(ttlSeconds: 600, uses: 1, labels: ["zone": "lab"]))
        let fingerprint = try CertificateFingerprint(Certificate(pemEncoded: String(contentsOfFile: server.dataDirectory + "/tls/ca.pem", encoding: .utf8)))
        #expect(created.caFingerprint == fingerprint.description)
        #expect(created.token.hasPrefix("tj-\(created.joinToken.id)."))

        // A CSR that names another id is refused and takes no use.
        let other = try await enroll(server, token: created.token, id: "dev-a", csrFor: "dev-b")
        #expect(other.status == 400 && other.body.contains(#"the certificate request names device \"dev-b\", not \"dev-a\""#), "\(other.body)")

        let good = try await enroll(server, token: created.token, id: "dev-a")
        #expect(good.status == 200, "\(good.body)")
        let answer = try TideJSON.decoder().decode(EnrollResponse.self, from: Data(good.body.utf8))
        let certificate = try Certificate(pemEncoded: answer.certificate)
        let ca = try Certificate(pemEncoded: answer.caCertificate)
        #expect(ca.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(try PeerCertificate(certificate).commonName == "dev-a")
        #expect(answer.labels == ["zone": "lab"])

        let log = try await client(server).events().events
        #expect(log.contains { $0.kind == .joinTokenCreated && $0.details?["joinToken"]?.stringValue == created.joinToken.id && $0.details?["uses"] == 1 })
        let enrolled = log.filter { $0.kind == .deviceEnrolled }
        #expect(enrolled.map(\.device) == [DeviceID("dev-a")], "only the accepted enrollment is an event")
        #expect(enrolled.first?.details?["joinToken"]?.stringValue == created.joinToken.id)

        let replayed = try await enroll(server, token: created.token, id: "dev-c")
        #expect(replayed.status == 401 && replayed.body.contains("has been used up"), "\(replayed.body)")

        // Another token cannot take dev-a's name while its certificate is in force.
        let second = try await client(server).createJoinToken(CreateJoinTokenRequest(uses: 5))
        let stolen = try await enroll(server, token: second.token, id: "dev-a")
        #expect(stolen.status == 409 && stolen.body.contains("device dev-a already holds a certificate in force"), "\(stolen.body)")
        #expect(try await client(server).joinTokens().first { $0.id == second.joinToken.id }?.usesLeft == 5)

        let forged = try await enroll(server, token: "tj-" + second.joinToken.id + "." + String(repeating: "0", count: 64), id: "dev-d")
        #expect(forged.status == 401 && forged.body.contains("the join token is not valid for this server"), "\(forged.body)")
        let garbage = try await enroll(server, token: "let me in", id: "dev-d")
        #expect(garbage.status == 401 && garbage.body.contains("that is not a join token"), "\(garbage.body)")

        let short = try await client(server).createJoinToken(CreateJoinTokenRequest(ttlSeconds: 0.3))
        try await Task.sleep(for: .milliseconds(600))
        let expired = try await enroll(server, token: short.token, id: "dev-e")
        #expect(expired.status == 401 && expired.body.contains("expired at"), "\(expired.body)")

        do {
            _ = try await client(server).createJoinToken(CreateJoinTokenRequest(ttlSeconds: 40 * 86_400))
            Issue.record("a 40-day join token was created")
        } catch {
            #expect("\(error)".contains("ttlSeconds must be more than 0 and at most"), "\(error)")
        }
        try await client(server).revokeJoinToken(second.joinToken.id)
        let revoked = try await enroll(server, token: second.token, id: "dev-f")
        #expect(revoked.status == 401, "\(revoked.body)")
        #expect(try await client(server).events().events.contains { $0.kind == .joinTokenRevoked && $0.details?["joinToken"]?.stringValue == second.joinToken.id })
    }

    @Test("a plain-HTTP server has no fleet CA to enroll devices with, and says so")
    func noEnrollmentWithoutTheFleetCA() async throws {
        let server = try await TestServer.start()
        do {
            _ = try await server.client.createJoinToken(CreateJoinTokenRequest())
            Issue.record("a join token was created without a fleet CA")
        } catch {
            #expect(error.status == 409 && error.message.contains("does not run the fleet CA"), "\(error.message)")
        }
    }

    @Test("certificates the server did not issue, or that expired, do not get a heartbeat in")
    func foreignAndExpiredCertificates() async throws {
        let server = try await fleetServer()
        let caPEM = try String(contentsOfFile: server.dataDirectory + "/tls/ca.pem", encoding: .utf8)
        let ourCA = try FleetCA(
            certificatePEM: caPEM, keyPEM: String(contentsOfFile: server.dataDirectory + "/tls/ca.key", encoding: .utf8))
        func heartbeat(with ca: FleetCA, id: String, now: Date, validity: TimeInterval) async throws -> String {
            let key = P256.Signing.PrivateKey()
            let certificate = try ca.issue(
                role: .device, commonName: id, publicKey: Certificate.PublicKey(key.publicKey), validity: validity, now: now)
            return try await self.heartbeat(
                server, id: id, certificatePEM: certificate.serializeAsPEM().pemString, keyPEM: key.pemRepresentation)
        }
        // Signed by our CA but never recorded (not issued through enrollment): refused.
        let unrecorded = try await heartbeat(with: ourCA, id: "dev-x", now: Date(), validity: 3600)
        #expect(unrecorded.hasPrefix("403") && unrecorded.contains("this server has no record of certificate"), "\(unrecorded)")
        // Another CA: the handshake fails.
        await #expect(throws: (any Error).self) { try await heartbeat(with: try FleetCA.create(), id: "dev-y", now: Date(), validity: 3600) }
        // Expired: the handshake fails.
        await #expect(throws: (any Error).self) {
            try await heartbeat(with: ourCA, id: "dev-z", now: Date() - 3 * 86_400, validity: 86_400)
        }
    }

    @Test("a restarted server still knows every certificate it issued: those in force get in, revoked ones stay out")
    func certificatesSurviveARestart() async throws {
        let directory = TemporaryDirectory.make()
        let first = try await TestServer.start(dataDirectory: directory, transport: .fleetCA(extraHosts: []))
        let created = try await client(first).createJoinToken(CreateJoinTokenRequest(uses: 2))
        var issued: [String: (certificate: String, key: String)] = [:]
        for id in ["dev-kept", "dev-gone"] {
            let answer = try await enroll(first, token: created.token, id: id)
            #expect(answer.status == 200, "\(answer.body)")
            issued[id] = (try TideJSON.decoder().decode(EnrollResponse.self, from: Data(answer.body.utf8)).certificate, answer.keyPEM)
        }
        let kept = try #require(issued["dev-kept"])
        let gone = try #require(issued["dev-gone"])
        // Past authentication, the server tries to register the device at the port its heartbeat
        // names, where nothing listens here: 502.
        let before = try await heartbeat(first, id: "dev-kept", certificatePEM: kept.certificate, keyPEM: kept.key)
        #expect(before.hasPrefix("502") && before.contains("cannot register 127.0.0.1:1"), "\(before)")
        _ = try? await client(first).revokeDevice(DeviceID("dev-gone"))
        let revoked = try await heartbeat(first, id: "dev-gone", certificatePEM: gone.certificate, keyPEM: gone.key)
        #expect(revoked.hasPrefix("403") && revoked.contains("was revoked"), "\(revoked)")
        await first.stop()

        let second = try await TestServer.start(dataDirectory: directory, transport: .fleetCA(extraHosts: []))
        let after = try await heartbeat(second, id: "dev-kept", certificatePEM: kept.certificate, keyPEM: kept.key)
        #expect(after.hasPrefix("502") && after.contains("cannot register 127.0.0.1:1"), "\(after)")
        let stillRevoked = try await heartbeat(second, id: "dev-gone", certificatePEM: gone.certificate, keyPEM: gone.key)
        #expect(stillRevoked.hasPrefix("403") && stillRevoked.contains("was revoked"), "\(stillRevoked)")
        // One device's certificate does not speak for another.
        let impostor = try await heartbeat(second, id: "dev-other", certificatePEM: kept.certificate, keyPEM: kept.key)
        #expect(impostor.hasPrefix("403") && impostor.contains("cannot speak for device dev-other"), "\(impostor)")
    }

    @Test("an enrolled supervisor: mutual TLS heartbeats, deploys only from the server, labels from its token, revoked for good")
    func enrolledSupervisor() async throws {
        let server = try await fleetServer(registry: Repository.registry)
        let created = try await client(server).createJoinToken(CreateJoinTokenRequest(labels: ["zone": "lab"]))
        let data = TemporaryDirectory.make()
        let arguments = [
            "supervisor", "--port", "{port}", "--name", "enrolled", "--data-dir", data, "--join", server.baseURL,
            "--join-token", created.token, "--ca-fingerprint", created.caFingerprint, "--log-level", "notice",
        ]
        let supervisor = try await ChildProcess.startTide(arguments, scheme: "https")
        #expect(supervisor.output().contains("enrolled with \(server.baseURL)"), "\(supervisor.output())")
        let key = try FileManager.default.attributesOfItem(atPath: data + "/tls/device.key")
        #expect((key[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let api = try client(server)
        #expect(try await eventually(timeout: .seconds(15)) {
            try await api.devices().contains { $0.name == "enrolled" && $0.status == .alive && $0.trust == .certificate }
        })
        let device = try #require(try await api.devices().first { $0.name == "enrolled" })
        #expect(device.labels["zone"] == "lab")

        // The server pushes over mutual TLS; the device downloads over TLS and runs the step.
        let manifest = try String(contentsOfFile: Repository.root + "/manifests/fibo.yaml", encoding: .utf8)
        let applied = try await HTTPProbe.post(
            server.baseURL + "/api/v1/deployments", json: manifest, contentType: "application/yaml", token: server.token, client: try http(server))
        #expect(applied.status == 201, "\(applied.body)")
        let ran = try await HTTPProbe.post(
            server.baseURL + "/api/v1/deployments/fibo/run", json: #"{"inputs": {"n": 10}}"#, token: server.token, client: try http(server))
        #expect(ran.body.contains(#""result":55"#) || ran.body.contains(#""result": 55"#), "\(ran.body)")

        // Nobody but the server's certificate deploys to it.
        let direct = try await HTTPProbe.post("https://127.0.0.1:\(supervisor.port)/deploy", json: "{}", client: HTTPProbe.anyCertificate)
        #expect(direct.status == 401 && direct.body.contains("takes deployments only from its orchestrator's certificate"), "\(direct.body)")

        _ = try await api.revokeDevice(device.id)
        #expect(try await eventually(timeout: .seconds(10)) { supervisor.output().contains("device_revoked") || supervisor.output().contains("revoked") })
        supervisor.stop()
        // Restarted, it still holds its certificate, which is refused now.
        let again = try await ChildProcess.startTide(arguments, scheme: "https")
        defer { again.stop() }
        #expect(try await eventually(timeout: .seconds(10)) { again.output().contains("HTTP 403") }, "\(again.output())")
        #expect(try await api.device(device.id).trust == .revoked)
        let revocations = try await api.events(device: device.id).events.filter { $0.kind == .deviceCertificatesRevoked }
        #expect(revocations.count == 1 && revocations.first?.details?["certificates"] == 1, "\(revocations)")
    }

    @Test("an enrolled supervisor trusts the server's publisher keys from enrollment on, and follows when they change")
    func publisherKeysFromTheServer() async throws {
        let keys = try await SignedPackageTests.keys()
        let acme = try String(contentsOfFile: keys.directory + "/acme.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let stranger = try String(contentsOfFile: keys.directory + "/stranger.pub", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let directory = TemporaryDirectory.make()
        let first = try await TestServer.start(
            dataDirectory: directory, trustedKeyFiles: [keys.directory + "/acme.pub"], transport: .fleetCA(extraHosts: []))
        let port = first.port
        let created = try await client(first).createJoinToken(CreateJoinTokenRequest())
        let data = TemporaryDirectory.make()
        let supervisor = try await enrolledSupervisor(first, name: "keyed", data: data, with: created)
        defer { supervisor.stop() }
        let held = data + "/tls/publisher-keys.json"
        func heldKeys() throws -> [String] {
            guard FileManager.default.fileExists(atPath: held) else { return [] }
            return try JSONDecoder().decode(PublisherKeySet.self, from: Data(contentsOf: URL(fileURLWithPath: held))).keys
        }
        #expect(try heldKeys() == [acme], "the enrollment answer brought the server's key")
        #expect(supervisor.output().contains("trusting the orchestrator's 1 publisher key(s)"), "\(supervisor.output())")

        // The operator changes the server's trusted keys; the device follows within heartbeats.
        await first.stop()
        let second = try await TestServer.start(
            dataDirectory: directory, trustedKeyFiles: [keys.directory + "/stranger.pub"], transport: .fleetCA(extraHosts: []),
            port: port)
        #expect(try await eventually(timeout: .seconds(15)) { try heldKeys() == [stranger] }, "\(supervisor.output())")
        // The file is written before the line is logged: wait for both.
        #expect(
            try await eventually(timeout: .seconds(5)) { supervisor.output().contains("the orchestrator's publisher keys changed") },
            "\(supervisor.output())")
        // Only an enrolled device gets them.
        let anonymous = try await HTTPProbe.get(second.baseURL + "/enroll/publisher-keys", client: try http(second))
        #expect(anonymous.status == 401 && anonymous.body.contains("certificate_required"), "\(anonymous.body)")
    }

    @Test("a supervisor refuses to enroll with a server whose CA does not match the fingerprint")
    func wrongFingerprint() async throws {
        let server = try await fleetServer()
        let created = try await client(server).createJoinToken(CreateJoinTokenRequest())
        let wrong = "sha256:" + String(repeating: "ab", count: 32)
        let run = try await TideProcess.run([
            "supervisor", "--port", "0", "--data-dir", TemporaryDirectory.make(), "--join", server.baseURL,
            "--join-token", created.token, "--ca-fingerprint", wrong,
        ])
        #expect(run.status != 0 && run.stderr.contains("not the expected \(wrong): refusing to enroll"), "\(run.stderr)")
        #expect(try await client(server).joinTokens().first?.usesLeft == 1)
    }

    @Test("certificates renew before they expire, without a restart")
    func renewal() async throws {
        let server = try await fleetServer(validity: 6)
        let created = try await client(server).createJoinToken(CreateJoinTokenRequest())
        let data = TemporaryDirectory.make()
        let supervisor = try await enrolledSupervisor(server, name: "renewing", data: data, with: created)
        defer { supervisor.stop() }
        let first = try String(contentsOfFile: data + "/tls/device.pem", encoding: .utf8)
        #expect(try await eventually(timeout: .seconds(20)) { supervisor.output().contains("renewed the device certificate") }, "\(supervisor.output())")
        #expect(try String(contentsOfFile: data + "/tls/device.pem", encoding: .utf8) != first)
        // Past the first certificate's end the device is still alive on the renewed one.
        try await Task.sleep(for: .seconds(7))
        let api = try client(server)
        let device = try #require(try await api.devices().first { $0.name == "renewing" })
        #expect(device.status == .alive && device.trust == .certificate)
        let renewals = try await api.events(device: device.id).events.filter { $0.kind == .deviceRenewed }
        #expect(!renewals.isEmpty && renewals.allSatisfy { $0.details?["previous"]?.stringValue != $0.details?["serial"]?.stringValue })
    }
}
