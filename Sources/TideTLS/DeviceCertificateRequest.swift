import Crypto
import Foundation
import X509

/// A device's key and certificate signing request. The key is made on the device and never
/// leaves it; the CSR names the device id the certificate is to carry.
public struct DeviceCertificateRequest: Sendable {
    public let keyPEM: String
    public let csrPEM: String

    public static func make(deviceID: String, key: P256.Signing.PrivateKey = .init()) throws(TLSError) -> DeviceCertificateRequest {
        do {
            let subject = try DistinguishedName {
                OrganizationName("Tide")
                OrganizationalUnitName(FleetRole.device.rawValue)
                CommonName(deviceID)
            }
            let csr = try CertificateSigningRequest(
                version: .v1, subject: subject, privateKey: Certificate.PrivateKey(key),
                attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: .ecdsaWithSHA256)
            return DeviceCertificateRequest(keyPEM: key.pemRepresentation, csrPEM: try csr.serializeAsPEM().pemString)
        } catch {
            throw TLSError("cannot make a certificate request: \(error)")
        }
    }
}

extension FleetCA {
    /// Largest CSR accepted, checked before parsing.
    public static let maxCSRBytes = 16 << 10

    /// Signs `csrPEM` for `deviceID` after checking that the request is signed by its own key and
    /// names exactly that device id.
    public func issueDevice(csrPEM: String, deviceID: String, validity: TimeInterval, now: Date = Date()) throws(TLSError) -> Certificate {
        guard csrPEM.utf8.count <= Self.maxCSRBytes else {
            throw TLSError("the certificate request is larger than \(Self.maxCSRBytes) bytes")
        }
        let csr: CertificateSigningRequest
        do {
            csr = try CertificateSigningRequest(pemEncoded: csrPEM)
        } catch {
            throw TLSError("the certificate request is not a PEM CSR")
        }
        guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
            throw TLSError("the certificate request's signature does not match its key")
        }
        let named = csr.subject.flatMap { Array($0) }
            .first { $0.type == .RDNAttributeType.commonName }
            .flatMap { String($0.value) }
        guard named == deviceID else {
            throw TLSError("the certificate request names device \"\(named ?? "")\", not \"\(deviceID)\"")
        }
        return try issue(role: .device, commonName: deviceID, publicKey: csr.publicKey, validity: validity, now: now)
    }
}
