import Crypto
import Foundation

/// A publisher's Ed25519 public key, as the server and supervisors trust it. Its id is the first 16
/// hex digits of the SHA-256 of the raw key.
public struct PublisherKey: Sendable, Hashable {
    public static let filePrefix = "tide-ed25519-public"
    public let name: String
    public let raw: [UInt8]

    public init(name: String, raw: [UInt8]) throws(SigningError) {
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil else {
            throw SigningError("the public key \(name) is not a 32-byte Ed25519 key")
        }
        self.name = name
        self.raw = raw
    }

    /// For keys taken from a valid private key.
    fileprivate init(trustedName name: String, raw: [UInt8]) {
        self.name = name
        self.raw = raw
    }

    public var id: String { Self.keyID(raw) }

    /// The text of a `.pub` file: `tide-ed25519-public <base64> <name>`.
    public var fileText: String { "\(Self.filePrefix) \(Data(raw).base64EncodedString()) \(name)\n" }

    /// Reads a `.pub` file written by `tide key create`.
    public init(fileText text: String, source: String) throws(SigningError) {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0] == Self.filePrefix, let raw = Data(base64Encoded: String(parts[1])) else {
            throw SigningError("\(source) is not a Tide public key (expected \"\(Self.filePrefix) <base64> <name>\")")
        }
        try self.init(name: parts.count == 3 ? String(parts[2]) : source, raw: Array(raw))
    }

    public static func load(path: String) throws(SigningError) -> PublisherKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SigningError("cannot read the public key \(path)")
        }
        return try PublisherKey(fileText: text, source: path)
    }

    func verifies(_ signature: [UInt8], of message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// Every key file of `paths`, as `--trusted-key` options name them.
    public static func loadAll(_ paths: [String]) throws(SigningError) -> [PublisherKey] {
        var keys: [PublisherKey] = []
        for path in paths { keys.append(try load(path: path)) }
        return keys
    }

    static func keyID(_ raw: [UInt8]) -> String {
        SHA256.hash(data: raw).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}

/// A publisher's private key: made by `tide key create`, kept by the publisher (mode 0600).
public struct PublisherSigningKey: Sendable {
    public static let filePrefix = "tide-ed25519-private"
    public let name: String
    /// The raw private key; the `Crypto` key is made from it when needed (it is not `Sendable`).
    private let raw: Data
    public let publicKey: PublisherKey

    public static func generate(name: String) -> PublisherSigningKey {
        PublisherSigningKey(name: name, key: Curve25519.Signing.PrivateKey())
    }

    private init(name: String, key: Curve25519.Signing.PrivateKey) {
        self.name = name
        self.raw = key.rawRepresentation
        self.publicKey = PublisherKey(trustedName: name, raw: Array(key.publicKey.rawRepresentation))
    }

    /// The text of a `.key` file: `tide-ed25519-private <base64> <name>`.
    public var fileText: String {
        "\(Self.filePrefix) \(raw.base64EncodedString()) \(name)\n"
    }

    public static func load(path: String) throws(SigningError) -> PublisherSigningKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SigningError("cannot read the private key \(path)")
        }
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0] == filePrefix, let raw = Data(base64Encoded: String(parts[1])),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw SigningError("\(path) is not a Tide private key (expected \"\(filePrefix) <base64> <name>\")")
        }
        return PublisherSigningKey(name: parts.count == 3 ? String(parts[2]) : path, key: key)
    }

    public func sign(_ statement: PackageStatement) throws(SigningError) -> PackageSignature {
        do {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
            return PackageSignature(key: publicKey.id, signature: Array(try key.signature(for: statement.bytes)))
        } catch {
            throw SigningError("signing with \(name) failed: \(error)")
        }
    }
}

public struct SigningError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension PublisherKey {
    /// A set of keys as a server hands it to devices: one `.pub` line each (no newline), sorted,
    /// and `sha256:<hex>` of the lines joined by newlines, which names the set.
    public static func handout(_ keys: [PublisherKey]) -> (lines: [String], digest: String) {
        let lines = Set(keys.map { $0.fileText.trimmingCharacters(in: .whitespacesAndNewlines) }).sorted()
        let digest = SHA256.hash(data: Data(lines.joined(separator: "\n").utf8))
        return (lines, "sha256:" + digest.map { String(format: "%02x", $0) }.joined())
    }
}
