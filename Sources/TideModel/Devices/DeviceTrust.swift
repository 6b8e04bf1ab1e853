/// How a device came to be trusted. Only a trusted device is given work and the fleet's supervisor
/// token; a device that entered through an open route (wasmiot self-registration, an mDNS
/// announcement) is listed and watched, but waits for an operator (or its own proof) to trust it.
public enum DeviceTrust: String, Sendable, Codable, CaseIterable {
    /// Added or approved through the operator API.
    case `operator`
    /// Proved that it holds the fleet's supervisor token (a heartbeat carrying it).
    case token
    /// Entered through an open route; nothing proves who runs it.
    case unverified
    /// Revoked by an operator: dead to the fleet (no probes, heartbeats refused) until approved again.
    case revoked
    /// Enrolled with a join token: holds a certificate from the fleet CA naming its id, and talks
    /// mutual TLS (its heartbeats are authenticated by that certificate, it takes deployments only
    /// from the server's certificate).
    case certificate

    public var isTrusted: Bool { self == .operator || self == .token || self == .certificate }

    /// Whether deploys to the device carry the fleet's supervisor token: not to unverified or
    /// revoked devices, and not to enrolled ones, which need no shared secret.
    public var receivesFleetToken: Bool { self == .operator || self == .token }
}
