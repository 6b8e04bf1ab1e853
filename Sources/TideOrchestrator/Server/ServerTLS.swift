import Foundation
import Logging
import NIOSSL
import TideTLS

/// The TLS side of `tide server`: what it serves with, what it shows devices when it pushes to
/// them, and the fleet CA that signs enrolled devices' certificates (nil with the operator's PKI).
struct ServerTLS: Sendable {
    let server: TLSConfiguration
    let client: TLSConfiguration
    let ca: FleetCA?
    let fingerprint: CertificateFingerprint?
    let caCertificatePath: String

    /// nil for `--insecure-http`.
    static func prepare(_ configuration: ServerConfiguration, logger: Logger) throws(ServerError) -> ServerTLS? {
        do {
            switch configuration.transport {
            case .insecureHTTP:
                logger.warning(
                    "--insecure-http: the API, tokens and deployments travel in clear text; anyone on the network can read and change them. Local experiments only.")
                return nil
            case .operatorPKI(let certificateFile, let keyFile, let caFile):
                let credentials = try TLSCredentials(certificateFile: certificateFile, keyFile: keyFile, trustFile: caFile)
                logger.notice("serving HTTPS with \(certificateFile); device certificates must chain to \(caFile)")
                return ServerTLS(
                    server: credentials.serverConfiguration(), client: credentials.clientConfiguration(), ca: nil,
                    fingerprint: nil, caCertificatePath: caFile)
            case .fleetCA(let extraHosts):
                let certificates = try ServerCertificates.loadOrCreate(
                    dataDirectory: configuration.dataDirectory, hosts: hosts(configuration, extra: extraHosts))
                if certificates.createdCA {
                    logger.notice("created the fleet CA in \(ServerCertificates.directory(in: configuration.dataDirectory))")
                }
                logger.notice(
                    "fleet CA \(certificates.fingerprint) (\(certificates.caCertificatePath)): clients and supervisors trust this server by it")
                return ServerTLS(
                    server: certificates.credentials.serverConfiguration(), client: certificates.credentials.clientConfiguration(),
                    ca: certificates.ca, fingerprint: certificates.fingerprint, caCertificatePath: certificates.caCertificatePath)
            }
        } catch {
            throw ServerError(error.message)
        }
    }

    /// The names a client may reach this server by: loopback, this machine, the listening
    /// address, the public URL's host and what the operator added.
    static func hosts(_ configuration: ServerConfiguration, extra: [String]) -> [String] {
        var hosts = ["127.0.0.1", "::1", "localhost", ProcessInfo.processInfo.hostName]
        if !["0.0.0.0", "::", ""].contains(configuration.host) { hosts.append(configuration.host) }
        if let publicURL = configuration.publicURL, let host = URL(string: publicURL)?.host { hosts.append(host) }
        hosts += extra
        return hosts.filter { !$0.isEmpty }
    }
}
