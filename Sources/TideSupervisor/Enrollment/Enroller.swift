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

    static func enroll(
        _ join: JoinSettings, deviceID: String, directory: DataDirectory, keys: PublisherKeyTrust, logger: Logger
    ) async throws(SupervisorError) -> DeviceCredentials {
        let caPEM = try await fleetCA(join)
        let request = try make(deviceID: deviceID)
        let body = EnrollRequest(joinToken: join.token, deviceId: deviceID, csr: request.csrPEM)
        let answer: EnrollResponse = try await post(
            join.url + "/enroll", body: body, trusting: try SupervisorServer.trusting(caPEM: caPEM, what: "the fleet CA"), what: "enrollment")
        let credentials = try accept(answer, keyPEM: request.keyPEM, caPEM: caPEM, deviceID: deviceID)
        try credentials.save(to: directory)
        logger.notice("enrolled with \(join.url) as \(deviceID); certificate valid until \(credentials.notValidAfter)")
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

    /// The fleet CA: from `--ca-cert`, or fetched and checked against `--ca-fingerprint` (the
    /// fetch itself trusts nothing; the fingerprint is what makes the answer trustworthy).
    private static func fleetCA(_ join: JoinSettings) async throws(SupervisorError) -> String {
        if let file = join.caFile {
            do {
                let pem = try String(contentsOfFile: file, encoding: .utf8)
                if let expected = join.caFingerprint {
                    try check(pem, against: expected)
                }
                return pem
            } catch let error as SupervisorError {
                throw error
            } catch {
                throw .badRequest("cannot read the CA certificate \(file): \(error.localizedDescription)")
            }
        }
        guard let expected = join.caFingerprint else {
            throw .badRequest(
                "--join needs --ca-fingerprint (tide device token create prints it) or --ca-cert, to know the orchestrator is the right one")
        }
        var unchecked = TLSConfiguration.makeClientConfiguration()
        unchecked.certificateVerification = .none
        let pem = try await get(join.url + "/enroll/ca", tls: unchecked)
        try check(pem, against: expected)
        return pem
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
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
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
