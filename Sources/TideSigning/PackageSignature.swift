import Foundation

/// One signature of a package: the id of the key and the Ed25519 signature of its statement.
public struct PackageSignature: Sendable, Codable, Equatable {
    public var key: String
    /// Base64 in JSON.
    public var signature: [UInt8]

    public init(key: String, signature: [UInt8]) {
        self.key = key
        self.signature = signature
    }

    enum CodingKeys: String, CodingKey { case key, signature }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        let text = try container.decode(String.self, forKey: .signature)
        guard let bytes = Data(base64Encoded: text), bytes.count == 64 else {
            throw DecodingError.dataCorruptedError(
                forKey: .signature, in: container, debugDescription: "signature must be 64 bytes in base64")
        }
        signature = Array(bytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(Data(signature).base64EncodedString(), forKey: .signature)
    }
}

/// `package.sig` next to package.yaml: the signatures of the package's statement.
public struct PackageSignatureFile: Sendable, Codable, Equatable {
    public static let fileName = "package.sig"
    public static let maxSignatures = 16
    public var signatures: [PackageSignature]

    public init(signatures: [PackageSignature]) { self.signatures = signatures }

    public static func parse(_ bytes: [UInt8]) throws(SigningError) -> PackageSignatureFile {
        guard bytes.count <= 16 << 10 else { throw SigningError("\(fileName) is larger than 16 KiB") }
        let file: PackageSignatureFile
        do {
            file = try JSONDecoder().decode(PackageSignatureFile.self, from: Data(bytes))
        } catch {
            throw SigningError("\(fileName) is not {\"signatures\": [{\"key\": ..., \"signature\": <base64>}]}: \(error)")
        }
        guard file.signatures.count <= maxSignatures else {
            throw SigningError("\(fileName) has \(file.signatures.count) signatures; at most \(maxSignatures)")
        }
        return file
    }

    public var bytes: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return Array((try? encoder.encode(self)) ?? Data())
    }
}

/// Checks signatures against trusted keys.
public struct SignaturePolicy: Sendable {
    public var trusted: [String: PublisherKey]
    /// Package name prefixes that must be signed; `""` means every package.
    public var requiredPrefixes: [String]

    public init(trusted: [PublisherKey], requiredPrefixes: [String]) {
        self.trusted = Dictionary(trusted.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.requiredPrefixes = requiredPrefixes
    }

    public func requiresSignature(_ package: String) -> Bool {
        requiredPrefixes.contains { package.hasPrefix($0) }
    }

    /// The trusted key that signed the statement; nil for an unsigned package that needs no
    /// signature. Throws when a signature is wrong, when no trusted key signed a package that
    /// must be signed, or when every signature is by keys nobody trusts and one is required.
    public func check(_ statement: PackageStatement, signatures: [PackageSignature]) throws(SigningError) -> PublisherKey? {
        let package = "\(statement.name) \(statement.version)"
        var untrusted: [String] = []
        for signature in signatures {
            guard let key = trusted[signature.key] else {
                untrusted.append(signature.key)
                continue
            }
            guard key.verifies(signature.signature, of: statement.bytes) else {
                throw SigningError(
                    "the signature of \(package) by key \(key.name) (\(key.id)) does not match its files: the package was changed after it was signed, or signed for other files")
            }
            return key
        }
        if requiresSignature(statement.name) {
            if !untrusted.isEmpty {
                throw SigningError(
                    "\(package) is signed only by keys this side does not trust (\(untrusted.joined(separator: ", "))); packages named \(statement.name) must be signed by a trusted key")
            }
            throw SigningError("\(package) is not signed; packages named \(statement.name) must be signed by a trusted key")
        }
        return nil
    }
}
