import TideTLS

/// `tide supervisor --join URL[,URL...] --join-token T [--ca-fingerprint F | --ca-cert FILE]`.
public struct JoinSettings: Sendable, Equatable {
    /// The orchestrators' base URLs (https; replicas sharing one database), tried in order.
    public var urls: [String]
    public var token: String
    /// The fleet CA's fingerprint, as `tide device token create` prints it.
    public var caFingerprint: CertificateFingerprint?
    /// Or the fleet CA's certificate itself.
    public var caFile: String?

    public init(urls: [String], token: String, caFingerprint: CertificateFingerprint? = nil, caFile: String? = nil) {
        self.urls = urls
        self.token = token
        self.caFingerprint = caFingerprint
        self.caFile = caFile
    }
}
