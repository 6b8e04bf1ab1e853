import Crypto
import Foundation
import Testing
import X509

@testable import TideTLS

@Suite struct FleetCATests {
    @Test func issuesADeviceCertificateNamingTheRequestedID() throws {
        let ca = try FleetCA.create()
        let request = try DeviceCertificateRequest.make(deviceID: "dev-1")
        let certificate = try ca.issueDevice(csrPEM: request.csrPEM, deviceID: "dev-1", validity: 3600)
        let peer = try PeerCertificate(certificate)
        #expect(peer.role == .device)
        #expect(peer.commonName == "dev-1")
        #expect(certificate.issuer == ca.certificate.subject)
        #expect(ca.certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(certificate.notValidAfter.timeIntervalSinceNow > 3000)
    }

    @Test func refusesARequestForAnotherDevicesID() throws {
        let ca = try FleetCA.create()
        let request = try DeviceCertificateRequest.make(deviceID: "dev-1")
        #expect(throws: TLSError("the certificate request names device \"dev-1\", not \"dev-2\"")) {
            try ca.issueDevice(csrPEM: request.csrPEM, deviceID: "dev-2", validity: 3600)
        }
    }

    @Test func refusesGarbageAndOversizedRequests() throws {
        let ca = try FleetCA.create()
        #expect(throws: TLSError("the certificate request is not a PEM CSR")) {
            try ca.issueDevice(csrPEM: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", deviceID: "d", validity: 60)
        }
        #expect(throws: TLSError("the certificate request is larger than \(FleetCA.maxCSRBytes) bytes")) {
            try ca.issueDevice(csrPEM: String(repeating: "A", count: FleetCA.maxCSRBytes + 1), deviceID: "d", validity: 60)
        }
    }

    @Test func refusesARequestWhoseSignatureDoesNotMatchItsKey() throws {
        let ca = try FleetCA.create()
        let good = try CertificateSigningRequest(pemEncoded: DeviceCertificateRequest.make(deviceID: "dev-1").csrPEM)
        let other = P256.Signing.PrivateKey()
        let forged = try CertificateSigningRequest(
            version: .v1, subject: good.subject, publicKey: Certificate.PublicKey(other.publicKey),
            attributes: good.attributes, signatureAlgorithm: good.signatureAlgorithm, signature: good.signature)
        #expect(throws: TLSError("the certificate request's signature does not match its key")) {
            try ca.issueDevice(csrPEM: try forged.serializeAsPEM().pemString, deviceID: "dev-1", validity: 60)
        }
    }

    @Test func fingerprintsParseInEveryWrittenForm() throws {
        let ca = try FleetCA.create()
        let fingerprint = try ca.fingerprint
        #expect(fingerprint.description.hasPrefix("sha256:"))
        #expect(try CertificateFingerprint(parsing: fingerprint.description) == fingerprint)
        #expect(try CertificateFingerprint(parsing: fingerprint.hex.uppercased()) == fingerprint)
        let colons = stride(from: 0, to: 64, by: 2).map { i in
            let start = fingerprint.hex.index(fingerprint.hex.startIndex, offsetBy: i)
            return String(fingerprint.hex[start..<fingerprint.hex.index(start, offsetBy: 2)])
        }.joined(separator: ":")
        #expect(try CertificateFingerprint(parsing: colons) == fingerprint)
        #expect(throws: TLSError("a CA fingerprint is sha256: and 64 hex digits (as the server prints it), not \"abc\"")) {
            try CertificateFingerprint(parsing: "abc")
        }
    }
}
