import TideTLS

/// `tide supervisor --join URL --join-token T [--ca-fingerprint F | --ca-cert FILE]`.
public struct JoinSettings: Sendable, Equatable {
    /// The orchestrator's base URL (https).
    public var url: String
    public var token: String
    /// The fleet CA's fingerprint, as `tide device token create` prints it.
    public var caFingerprint: CertificateFingerprint?
    /// Or the fleet CA's certificate itself.
    public var caFile: String?

    public init(url: String, token: String, caFingerprint: CertificateFingerprint? = nil, caFile: String? = nil) {
        self.url = url
        self.token = token
        self.caFingerprint = caFingerprint
        self.caFile = caFile
    }
}
