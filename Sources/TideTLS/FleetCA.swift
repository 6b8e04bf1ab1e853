import Crypto
import Foundation
import SwiftASN1
import X509

/// The fleet's certificate authority: signs the server's certificate and, at enrollment, each
/// device's. Its key never leaves the server's data directory.
public struct FleetCA: Sendable {
    public let certificate: Certificate
    let privateKey: Certificate.PrivateKey

    public static let validity: TimeInterval = 10 * 365 * 86_400

    /// A new CA (ECDSA P-256, ten years).
    public static func create(now: Date = Date()) throws(TLSError) -> FleetCA {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        do {
            let name = try DistinguishedName {
                OrganizationName("Tide")
                CommonName("Tide fleet CA \(Self.shortID())")
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: now - 300, notValidAfter: now + validity, issuer: name, subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: key.publicKey)
                },
                issuerPrivateKey: key)
            return FleetCA(certificate: certificate, privateKey: key)
        } catch {
            throw TLSError("cannot create the fleet CA: \(error)")
        }
    }

    public init(certificate: Certificate, privateKey: Certificate.PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    public init(certificatePEM: String, keyPEM: String) throws(TLSError) {
        do {
            certificate = try Certificate(pemEncoded: certificatePEM)
        } catch {
            throw TLSError("the fleet CA certificate is not a PEM certificate: \(error)")
        }
        do {
            privateKey = try Certificate.PrivateKey(pemEncoded: keyPEM)
        } catch {
            throw TLSError("the fleet CA key is not a PEM private key: \(error)")
        }
        guard privateKey.publicKey == certificate.publicKey else {
            throw TLSError("the fleet CA key does not belong to the fleet CA certificate")
        }
    }

    public var fingerprint: CertificateFingerprint {
        get throws(TLSError) { try CertificateFingerprint(certificate) }
    }

    /// A certificate for `role`, naming `commonName`, for the key `publicKey`. Server
    /// certificates name `hosts` (DNS names or IP addresses) as alternative names.
    public func issue(
        role: FleetRole, commonName: String, publicKey: Certificate.PublicKey, hosts: [String] = [],
        validity: TimeInterval, now: Date = Date()
    ) throws(TLSError) -> Certificate {
        do {
            let subject = try DistinguishedName {
                OrganizationName("Tide")
                OrganizationalUnitName(role.rawValue)
                CommonName(commonName)
            }
            let names = hosts.map(Self.generalName)
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: try certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
                if !names.isEmpty { SubjectAlternativeNames(names) }
            }
            return try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
                notValidBefore: now - min(300, validity / 10), notValidAfter: now + validity, issuer: certificate.subject,
                subject: subject, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
                issuerPrivateKey: privateKey)
        } catch {
            throw TLSError("cannot issue a certificate for \(commonName): \(error)")
        }
    }

    /// The PEM of the certificate and of the key.
    public func pem() throws(TLSError) -> (certificate: String, key: String) {
        do {
            return (try certificate.serializeAsPEM().pemString, try privateKey.serializeAsPEM().pemString)
        } catch {
            throw TLSError("cannot encode the fleet CA: \(error)")
        }
    }

    static func generalName(_ host: String) -> GeneralName {
        if let bytes = IPAddressBytes.parse(host) {
            return .ipAddress(ASN1OctetString(contentBytes: bytes[...]))
        }
        return .dnsName(host)
    }

    private static func shortID() -> String {
        String((0..<6).map { _ in "0123456789abcdef".randomElement() ?? "0" })
    }
}
