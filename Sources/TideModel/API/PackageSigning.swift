/// The signatures of a published package, as the registry shows them and deployment nodes carry
/// them: enough for a supervisor to rebuild the signed statement from the node's digests.
public struct PackageSigning: Sendable, Codable, Equatable {
    public struct Signature: Sendable, Codable, Equatable {
        /// The key's id: 16 hex digits of the SHA-256 of the raw Ed25519 public key.
        public var key: String
        /// Base64 of the 64-byte Ed25519 signature.
        public var signature: String

        public init(key: String, signature: String) {
            self.key = key
            self.signature = signature
        }
    }

    /// SHA-256 of the package.yaml that was signed.
    public var manifestSha256: String
    public var signatures: [Signature]
    /// The name of the trusted key that the server checked it against, if any.
    public var signedBy: String?

    public init(manifestSha256: String, signatures: [Signature], signedBy: String? = nil) {
        self.manifestSha256 = manifestSha256
        self.signatures = signatures
        self.signedBy = signedBy
    }
}
