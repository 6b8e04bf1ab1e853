import Foundation
import Testing

@testable import TideTLS

/// What a device sends at enrollment crosses a trust boundary: no CSR, however broken, crashes
/// the CA or gets a certificate for another id.
@Suite struct CertificateRequestPropertyTests {
    private struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func mutatedRequestsAreRefusedOrNameTheirOwnID() throws {
        let ca = try FleetCA.create()
        let good = try DeviceCertificateRequest.make(deviceID: "dev-1").csrPEM
        let lines = good.split(separator: "\n").map(String.init)
        let body = Array(lines.dropFirst().dropLast().joined().utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8)
        var random = Generator(state: 20261203)
        var issued = 0
        for _ in 0..<2000 {
            var mutated = body
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<mutated.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: mutated[index] = alphabet.randomElement(using: &random) ?? 65
                case 1: mutated.remove(at: index)
                default: mutated.insert(alphabet.randomElement(using: &random) ?? 65, at: index)
                }
            }
            let pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + String(decoding: mutated, as: UTF8.self)
                + "\n-----END CERTIFICATE REQUEST-----\n"
            do {
                let certificate = try ca.issueDevice(csrPEM: pem, deviceID: "dev-1", validity: 60)
                #expect(try PeerCertificate(certificate).commonName == "dev-1")
                issued += 1
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
        // Base64 has slack (padding bits), so a few mutations leave the request intact.
        #expect(issued < 200)
    }

    @Test func randomBytesAreRefused() throws {
        let ca = try FleetCA.create()
        var random = Generator(state: 7)
        for length in [0, 1, 10, 100, 1000, 16_000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(throws: TLSError.self) {
                try ca.issueDevice(csrPEM: String(decoding: bytes, as: UTF8.self), deviceID: "dev-1", validity: 60)
            }
        }
    }
}
