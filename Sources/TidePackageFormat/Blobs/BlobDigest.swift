import Crypto

/// A SHA-256 digest as 64 lowercase hexadecimal digits, the name of a blob.
public struct BlobDigest: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let hex: String

    /// Accepts exactly 64 lowercase hexadecimal digits, or the same prefixed with `sha256:`.
    public init(validating text: String) throws(BlobDigestError) {
        let hex = text.hasPrefix("sha256:") ? String(text.dropFirst("sha256:".count)) : text
        guard hex.utf8.count == 64,
              hex.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                  || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })
        else { throw BlobDigestError(text: text) }
        self.hex = hex
    }

    public init?(_ text: String) {
        guard let digest = try? BlobDigest(validating: text) else { return nil }
        self = digest
    }

    /// The digest of `bytes`.
    public init(of bytes: some Sequence<UInt8>) {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        self.hex = Self.hexString(hasher.finalize())
    }

    /// A SHA-256 already computed: its 32 bytes.
    public init?(digestBytes bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        self.hex = Self.hexString(bytes)
    }

    private init(trustedHex: String) {
        self.hex = trustedHex
    }

    /// `sha256:<hex>`, the form used in OCI-style references.
    public var prefixed: String { "sha256:" + hex }

    public var description: String { hex }

    public static func < (lhs: BlobDigest, rhs: BlobDigest) -> Bool { lhs.hex < rhs.hex }

    static func hexString(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension BlobDigest: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try BlobDigest(validating: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

/// Text that is not a SHA-256 digest.
public struct BlobDigestError: Error, Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public var description: String {
        "\"\(text)\" is not a SHA-256 digest: expected 64 lowercase hexadecimal digits"
    }
}
