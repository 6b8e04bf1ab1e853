/// How `tide server` talks to clients and devices.
public enum ServerTransport: Sendable, Equatable {
    /// HTTPS with the fleet CA and a server certificate in `<data-dir>/tls/`, created on first start.
    /// `extraHosts` are further names the server certificate carries (`--tls-san`).
    case fleetCA(extraHosts: [String])
    /// HTTPS with the operator's own certificate and key; device certificates must chain to `caFile`.
    case operatorPKI(certificateFile: String, keyFile: String, caFile: String)
    /// Plain HTTP: local experiments only.
    case insecureHTTP

    public var scheme: String { self == .insecureHTTP ? "http" : "https" }
}
