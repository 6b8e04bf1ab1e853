import Foundation
import X509
import Crypto

/// The fleet CA and the server's certificate in `<data-dir>/tls/`, created on first start.
public struct ServerCertificates: Sendable {
    public let ca: FleetCA
    public let credentials: TLSCredentials
    public let fingerprint: CertificateFingerprint
    /// The files, for `--ca-cert` of clients and supervisors.
    public let caCertificatePath: String
    /// True when this start created the CA.
    public let createdCA: Bool

    public static let serverValidity: TimeInterval = 365 * 86_400

    public static func directory(in dataDirectory: String) -> String { dataDirectory + "/tls" }
    public static func caCertificatePath(in dataDirectory: String) -> String { directory(in: dataDirectory) + "/ca.pem" }

    /// Loads the CA (or creates it) and a server certificate naming `hosts`; the server
    /// certificate is made again when it is missing, names other hosts, or has less than a
    /// third of its life left.
    public static func loadOrCreate(dataDirectory: String, hosts: [String], now: Date = Date()) throws(TLSError) -> ServerCertificates {
        let folder = directory(in: dataDirectory)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw TLSError("cannot create \(folder): \(error.localizedDescription)")
        }
        let caPath = folder + "/ca.pem", caKeyPath = folder + "/ca.key"
        let serverPath = folder + "/server.pem", serverKeyPath = folder + "/server.key"
        let ca: FleetCA
        var created = false
        if PEMFiles.exists(caPath) || PEMFiles.exists(caKeyPath) {
            ca = try FleetCA(
                certificatePEM: try PEMFiles.read(caPath, what: "fleet CA certificate"),
                keyPEM: try PEMFiles.read(caKeyPath, what: "fleet CA key"))
        } else {
            ca = try FleetCA.create(now: now)
            let pem = try ca.pem()
            try PEMFiles.write(pem.key, to: caKeyPath, secret: true)
            try PEMFiles.write(pem.certificate, to: caPath, secret: false)
            created = true
        }
        let wanted = Array(Set(hosts)).sorted()
        if let existing = try? Certificate(pemEncoded: PEMFiles.read(serverPath, what: "server certificate")),
            PEMFiles.exists(serverKeyPath), existing.issuer == ca.certificate.subject,
            Self.names(of: existing) == Set(wanted.map(FleetCA.generalName).map(String.init(describing:))),
            existing.notValidAfter.timeIntervalSince(now) > serverValidity / 3
        {
            // Still good.
        } else {
            let key = P256.Signing.PrivateKey()
            let certificate = try ca.issue(
                role: .server, commonName: "tide server", publicKey: Certificate.PublicKey(key.publicKey), hosts: wanted,
                validity: serverValidity, now: now)
            let pem: String
            do {
                pem = try certificate.serializeAsPEM().pemString
            } catch {
                throw TLSError("cannot encode the server certificate: \(error)")
            }
            try PEMFiles.write(key.pemRepresentation, to: serverKeyPath, secret: true)
            try PEMFiles.write(pem, to: serverPath, secret: false)
        }
        return ServerCertificates(
            ca: ca,
            credentials: try TLSCredentials(certificateFile: serverPath, keyFile: serverKeyPath, trustFile: caPath),
            fingerprint: try ca.fingerprint, caCertificatePath: caPath, createdCA: created)
    }

    private static func names(of certificate: Certificate) -> Set<String> {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return [] }
        return Set(names.map(String.init(describing:)))
    }
}
