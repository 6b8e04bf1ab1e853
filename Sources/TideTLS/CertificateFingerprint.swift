import Crypto
import X509
import SwiftASN1

/// The SHA-256 of a certificate's DER bytes, as `sha256:<64 hex digits>`: what an operator
/// compares or pins (`--ca-fingerprint`).
public struct CertificateFingerprint: Sendable, Hashable, CustomStringConvertible {
    public let hex: String

    public init(der: [UInt8]) {
        hex = Hex.encode(SHA256.hash(data: der))
    }

    public init(_ certificate: Certificate) throws(TLSError) {
        do {
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            self.init(der: serializer.serializedBytes)
        } catch {
            throw TLSError("cannot encode the certificate: \(error)")
        }
    }

    /// Accepts `sha256:<hex>` or bare hex, with or without colons, in either case.
    public init(parsing text: String) throws(TLSError) {
        var body = Substring(text.lowercased())
        if body.hasPrefix("sha256:") { body = body.dropFirst("sha256:".count) }
        let digits = body.filter { $0 != ":" }
        guard digits.count == 64, digits.allSatisfy({ $0.isHexDigit && $0.isASCII }) else {
            throw TLSError("a CA fingerprint is sha256: and 64 hex digits (as the server prints it), not \"\(text)\"")
        }
        hex = String(digits)
    }

    public var description: String { "sha256:" + hex }
}
