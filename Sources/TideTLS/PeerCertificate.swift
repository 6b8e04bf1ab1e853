import Foundation
import NIOSSL
import X509

/// Who a verified peer certificate says it is. NIOSSL has already checked that it chains to the
/// fleet CA and is within its validity; this reads the role and id the CA wrote into it.
public struct PeerCertificate: Sendable, Equatable {
    public let role: FleetRole
    /// The device id for `.device`, "tide server" for `.server`.
    public let commonName: String
    /// Lowercase hex of the serial number: what the server records and refuses after revocation.
    public let serial: String
    public let notValidAfter: Date

    public init(_ certificate: Certificate) throws(TLSError) {
        var role: FleetRole?
        var commonName: String?
        for rdn in certificate.subject {
            for attribute in rdn {
                if attribute.type == .RDNAttributeType.organizationalUnitName, let text = String(attribute.value) {
                    role = FleetRole(rawValue: text)
                } else if attribute.type == .RDNAttributeType.commonName, let text = String(attribute.value) {
                    commonName = text
                }
            }
        }
        guard let role, let commonName else {
            throw TLSError("the certificate names no fleet role and id (it was not issued by a Tide fleet CA)")
        }
        self.role = role
        self.commonName = commonName
        self.serial = Hex.encode(certificate.serialNumber.bytes)
        self.notValidAfter = certificate.notValidAfter
    }

    public init(_ certificate: NIOSSLCertificate) throws(TLSError) {
        let parsed: Certificate
        do {
            parsed = try Certificate(derEncoded: try certificate.toDERBytes())
        } catch {
            throw TLSError("the peer certificate cannot be read: \(error)")
        }
        try self.init(parsed)
    }
}
