import Foundation
import Testing
import X509

@testable import TideTLS
@testable import TideTesting

@Suite struct ServerCertificatesTests {
    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func createsTheCAOnceAndKeepsKeysPrivate() throws {
        let directory = TemporaryDirectory.make("tls")
        let first = try ServerCertificates.loadOrCreate(dataDirectory: directory, hosts: ["127.0.0.1", "localhost"])
        #expect(first.createdCA)
        let second = try ServerCertificates.loadOrCreate(dataDirectory: directory, hosts: ["localhost", "127.0.0.1"])
        #expect(!second.createdCA)
        #expect(second.fingerprint == first.fingerprint)
        #expect(try mode(directory + "/tls/ca.key") == 0o600)
        #expect(try mode(directory + "/tls/server.key") == 0o600)
        #expect(try mode(directory + "/tls") == 0o700)
    }

    @Test func reissuesTheServerCertificateForNewHostsUnderTheSameCA() throws {
        let directory = TemporaryDirectory.make("tls")
        let first = try ServerCertificates.loadOrCreate(dataDirectory: directory, hosts: ["127.0.0.1"])
        let before = try String(contentsOfFile: directory + "/tls/server.pem", encoding: .utf8)
        _ = try ServerCertificates.loadOrCreate(dataDirectory: directory, hosts: ["127.0.0.1"])
        #expect(try String(contentsOfFile: directory + "/tls/server.pem", encoding: .utf8) == before)
        let moved = try ServerCertificates.loadOrCreate(dataDirectory: directory, hosts: ["127.0.0.1", "gateway.local"])
        #expect(moved.fingerprint == first.fingerprint)
        let after = try Certificate(pemEncoded: String(contentsOfFile: directory + "/tls/server.pem", encoding: .utf8))
        #expect(after.serialNumber != (try Certificate(pemEncoded: before)).serialNumber)
        #expect(try PeerCertificate(after).role == .server)
        let names = try after.extensions.subjectAlternativeNames.map { Array($0) } ?? []
        #expect(names.contains(.dnsName("gateway.local")))
    }

    @Test func aCAKeyThatDoesNotMatchItsCertificateIsRefused() throws {
        let directory = TemporaryDirectory.make("tls")
        _ = try ServerCertificates.loadOrCreate(dataDirectory: directory, hosts: ["127.0.0.1"])
        let other = try FleetCA.create().pem()
        try other.key.write(toFile: directory + "/tls/ca.key", atomically: true, encoding: .utf8)
        #expect(throws: TLSError("the fleet CA key does not belong to the fleet CA certificate")) {
            try ServerCertificates.loadOrCreate(dataDirectory: directory, hosts: ["127.0.0.1"])
        }
    }
}
