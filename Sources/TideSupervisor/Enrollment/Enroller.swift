import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOSSL
import TideModel
import TideTLS
import X509

/// Enrolls this device with an orchestrator: checks the fleet CA by its fingerprint, makes a key
/// and a CSR here, sends the CSR with the join token and keeps the certificate it gets back.
/// Renewal asks for a new certificate with the current one.
enum Enroller {
    static let maxAnswerBytes = 256 << 10

    /// Fails at once when nothing listens, so that the next `--join` URL is tried now
    /// (`HTTPClient.shared` retries connecting until the deadline). Lives until the process ends.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(5)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    static func enroll(
        _ join: JoinSettings, deviceID: String, directory: DataDirectory, keys: PublisherKeyTrust, logger: Logger
    ) async throws(SupervisorError) -> DeviceCredentials {
        let (url, caPEM) = try await firstAnswering(join, logger: logger)
        let request = try make(deviceID: deviceID)
        let body = EnrollRequest(joinToken: join.token, deviceId: deviceID, csr: request.csrPEM)
        // Only to the orchestrator that just answered: enrolling uses up the join token, so it is
        // never sent to a second one.
        let answer: EnrollResponse = try await post(
            url + "/enroll", body: body, trusting: try SupervisorServer.trusting(caPEM: caPEM, what: "the fleet CA"), what: "enrollment")
        let credentials = try accept(answer, keyPEM: request.keyPEM, caPEM: caPEM, deviceID: deviceID)
        try credentials.save(to: directory)
        logger.notice("enrolled with \(url) as \(deviceID); certificate valid until \(credentials.notValidAfter)")
        if let set = answer.publisherKeys, try keys.replace(with: set) {
            logger.notice("trusting the orchestrator's \(set.keys.count) publisher key(s) (\(set.digest))")
        }
        return credentials
    }

    /// A new certificate (and key) for the same id, asked for with the current certificate.
    static func renew(
        _ current: DeviceCredentials, orchestrator: String, deviceID: String, directory: DataDirectory, keys: PublisherKeyTrust
    ) async throws(SupervisorError) -> DeviceCredentials {
        let request = try make(deviceID: deviceID)
        let answer: EnrollResponse = try await post(
            orchestrator + "/enroll/renew", body: RenewRequest(csr: request.csrPEM),
            trusting: current.tls.clientConfiguration(), what: "certificate renewal")
        let credentials = try accept(answer, keyPEM: request.keyPEM, caPEM: current.caPEM, deviceID: deviceID)
        try credentials.save(to: directory)
        if let set = answer.publisherKeys { try keys.replace(with: set) }
        return credentials
    }

    private static func make(deviceID: String) throws(SupervisorError) -> DeviceCertificateRequest {
        do {
            return try DeviceCertificateRequest.make(deviceID: deviceID)
        } catch {
            throw .internalFailure(error.message)
        }
    }

    /// The certificate must be for our key and id, from the CA we checked.
    private static func accept(
        _ answer: EnrollResponse, keyPEM: String, caPEM: String, deviceID: String
    ) throws(SupervisorError) -> DeviceCredentials {
        do {
            let certificate = try Certificate(pemEncoded: answer.certificate)
            let key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
            guard certificate.publicKey == Certificate.PublicKey(key.publicKey),
                try PeerCertificate(certificate).commonName == deviceID,
                try Certificate(pemEncoded: caPEM).publicKey.isValidSignature(certificate.signature, for: certificate)
            else {
                throw SupervisorError.badRequest(
                    "the orchestrator answered with a certificate that is not for this device's key and id, or not from the fleet CA")
            }
        } catch let error as SupervisorError {
            throw error
        } catch {
            throw .badRequest("the orchestrator's certificate answer cannot be read: \(error)")
        }
        return try DeviceCredentials(certificatePEM: answer.certificate, keyPEM: keyPEM, caPEM: caPEM)
    }

    /// The first of the `--join` URLs whose orchestrator hands out the fleet CA, and the CA: from
    /// `--ca-cert` (the answer then only proves the orchestrator is there), or the answer itself,
    /// checked against `--ca-fingerprint` (the fetch trusts nothing; the fingerprint is what makes
    /// the answer trustworthy). A CA that does not match ends enrolling at once.
    private static func firstAnswering(_ join: JoinSettings, logger: Logger) async throws(SupervisorError) -> (url: String, caPEM: String) {
        let local = try join.caFile.map { file throws(SupervisorError) in try localCA(file, expected: join.caFingerprint) }
        guard local != nil || join.caFingerprint != nil else {
            throw .badRequest(
                "--join needs --ca-fingerprint (tide device token create prints it) or --ca-cert, to know the orchestrator is the right one")
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let local {
            tls = try SupervisorServer.trusting(caPEM: local, what: "--ca-cert")
        } else {
            tls.certificateVerification = .none
        }
        var failures: [SupervisorError] = []
        for (position, url) in join.urls.enumerated() {
            let pem: String
            do {
                pem = try await get(url + "/enroll/ca", tls: tls)
            } catch {
                failures.append(error)
                if position < join.urls.count - 1 {
                    logger.info("\(error.message); trying the next --join URL, \(join.urls[position + 1])")
                }
                continue
            }
            if let local { return (url, local) }
            if let expected = join.caFingerprint { try check(pem, against: expected) }
            return (url, pem)
        }
        if failures.count == 1, let only = failures.first { throw only }
        guard !failures.isEmpty else { throw .badRequest("--join needs at least one https:// URL") }
        throw .badRequest("no --join URL answered: " + failures.map(\.message).joined(separator: "; "))
    }

    /// The fleet CA from `--ca-cert`, checked against `--ca-fingerprint` when both are given.
    private static func localCA(_ file: String, expected: CertificateFingerprint?) throws(SupervisorError) -> String {
        do {
            let pem = try String(contentsOfFile: file, encoding: .utf8)
            if let expected { try check(pem, against: expected) }
            return pem
        } catch let error as SupervisorError {
            throw error
        } catch {
            throw .badRequest("cannot read the CA certificate \(file): \(error.localizedDescription)")
        }
    }

    private static func check(_ pem: String, against expected: CertificateFingerprint) throws(SupervisorError) {
        let actual: CertificateFingerprint
        do {
            actual = try CertificateFingerprint(Certificate(pemEncoded: pem))
        } catch {
            throw .badRequest("the orchestrator's CA certificate cannot be read: \(error)")
        }
        guard actual == expected else {
            throw .badRequest("the orchestrator's CA is \(actual), not the expected \(expected): refusing to enroll")
        }
    }

    private static func get(_ url: String, tls: TLSConfiguration) async throws(SupervisorError) -> String {
        var request = HTTPClientRequest(url: url)
        request.tlsConfiguration = tls
        let (status, body) = try await exchange(request, what: "fetching the fleet CA")
        guard status == 200 else { throw failure(status: status, body: body, what: "fetching the fleet CA") }
        return String(decoding: body, as: UTF8.self)
    }

    private static func post<Body: Encodable, Answer: Decodable>(
        _ url: String, body: Body, trusting tls: TLSConfiguration, what: String
    ) async throws(SupervisorError) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.tlsConfiguration = tls
        request.headers.add(name: "content-type", value: "application/json")
        do {
            request.body = .bytes(ByteBuffer(bytes: try TideJSON.encoder().encode(body)))
        } catch {
            throw .internalFailure("cannot encode the \(what) request: \(error)")
        }
        let (status, answer) = try await exchange(request, what: what)
        guard status == 200 else { throw failure(status: status, body: answer, what: what) }
        do {
            return try TideJSON.decoder().decode(Answer.self, from: Data(answer))
        } catch {
            throw .badRequest("the orchestrator's \(what) answer is not what Tide sends: \(error)")
        }
    }

    private static func exchange(_ request: HTTPClientRequest, what: String) async throws(SupervisorError) -> (Int, [UInt8]) {
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: maxAnswerBytes)
            return (Int(response.status.code), Array(body.readableBytesView))
        } catch {
            throw .badRequest("\(what) failed: cannot reach the orchestrator at \(request.url): \(HeartbeatService.describe(error))")
        }
    }

    private static func failure(status: Int, body: [UInt8], what: String) -> SupervisorError {
        let message = (try? JSONDecoder().decode(APIErrorBody.self, from: Data(body)))?.error.message
        return .badRequest("\(what) refused: the orchestrator answered HTTP \(status)" + (message.map { ": \($0)" } ?? ""))
    }
}
