import Crypto
import Foundation
import NIOSSL
import TideModel
import TideStore
import TideTLS
import X509

/// `tide-bench deploy --tls`: the fleet CA made in the benchmark server's data directory before
/// it starts (the server loads it), one device certificate the simulated devices all serve, and
/// the simulated devices in the inventory as enrolled ones, reached over HTTPS.
struct DeployBenchmarkFleetCA {
    /// Trusts the fleet CA: the API client and the simulated devices' downloads.
    let trust: TLSConfiguration
    let deviceContext: NIOSSLContext

    static func prepare(in directory: String) throws -> DeployBenchmarkFleetCA {
        let certificates = try ServerCertificates.loadOrCreate(dataDirectory: directory, hosts: ["127.0.0.1", "localhost"])
        let caPEM = try certificates.ca.pem().certificate
        let key = P256.Signing.PrivateKey()
        let certificate = try certificates.ca.issue(
            role: .device, commonName: "simulated-fleet", publicKey: Certificate.PublicKey(key.publicKey), validity: 86_400)
        let credentials = try TLSCredentials(
            certificatePEM: certificate.serializeAsPEM().pemString, keyPEM: key.pemRepresentation, trustPEM: caPEM)
        return DeployBenchmarkFleetCA(
            trust: try TLSCredentials.trustingClientConfiguration(trustPEM: caPEM),
            deviceContext: try NIOSSLContext(configuration: credentials.serverConfiguration()))
    }

    static func enroll(_ fleet: SimulatedFleet, in directory: String) throws {
        let now = Date()
        try TideStore(path: directory + "/tide.sqlite").insert(fleet.members.map { member in
            Device(
                id: member.id, name: member.id.rawValue, addresses: [member.host], port: fleet.port, status: .alive, statusSince: now,
                statusReason: "simulated, enrolled", description: RawJSON(SimulatedFleet.description(of: member)),
                capabilities: DeviceCapabilities(interfaces: ["fd_write", "millis"], memoryBytes: 536_870_912, labels: ["simulated": "true"]),
                labels: [:], health: nil, firstSeen: now, lastSeen: now, trust: .certificate)
        })
    }
}
