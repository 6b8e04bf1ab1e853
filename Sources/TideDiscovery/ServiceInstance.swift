/// One DNS-SD service instance as Tide sees it: all resolves of the same instance (from every
/// interface and protocol) merged into one value.
public struct ServiceInstance: Sendable, Hashable, CustomStringConvertible {
    /// The instance name, e.g. `"camera-1"` (unescaped, as published).
    public var name: String
    /// The service type, e.g. `"_webthing._tcp"`.
    public var type: String
    /// The domain, usually `"local"`.
    public var domain: String
    /// The target host name, e.g. `"raspberrypi.local"`.
    public var hostName: String
    /// Addresses to reach the instance, best first: a wasmiot `address=<ipv4>` TXT value first,
    /// then every resolved address in the order it was first seen. No duplicates.
    public var addresses: [String]
    /// The service port.
    public var port: UInt16
    /// TXT records, keys lowercased (DNS-SD keys are case-insensitive).
    public var txt: [String: String]

    public init(
        name: String, type: String, domain: String = "local", hostName: String,
        addresses: [String], port: UInt16, txt: [String: String] = [:]
    ) {
        self.name = name
        self.type = type
        self.domain = domain
        self.hostName = hostName
        self.addresses = addresses
        self.port = port
        self.txt = txt
    }

    public var description: String {
        "\(name) (\(type).\(domain)) at \(hostName):\(port) \(addresses) txt=\(txt.sorted { $0.key < $1.key })"
    }
}

/// What a ``ServiceBrowser`` reports.
public enum DiscoveryEvent: Sendable, Hashable {
    /// A new instance was resolved.
    case found(ServiceInstance)
    /// A known instance changed (addresses, port, host name or TXT).
    case updated(ServiceInstance)
    /// The instance is gone (an mDNS goodbye, or it was not seen again after a reconnect). For
    /// Tide this is evidence of failure, never a reason to forget the device.
    case removed(name: String)
    /// The avahi-daemon cannot be reached; the browser keeps retrying in the background.
    /// Reported once per outage.
    case daemonUnavailable(reason: String)
    /// The avahi-daemon is reachable (again); browsing is (re)established.
    case daemonAvailable
}

/// What a ``ServicePublisher`` reports.
public enum PublisherEvent: Sendable, Hashable {
    /// The service is announced under this name (again after a daemon restart).
    case published(name: String)
    /// The name was taken by another service: the publisher moved to an alternative name.
    case renamed(from: String, to: String)
    /// The avahi-daemon cannot be reached; the publisher republishes when it returns.
    case daemonUnavailable(reason: String)
    /// The avahi-daemon is reachable (again).
    case daemonAvailable
    /// Publishing failed for a reason a retry does not fix (e.g. an invalid service type).
    case failed(reason: String)
}

/// Errors raised when a browser or publisher cannot even be set up. An absent avahi-daemon is
/// not one of them: that is reported as an event and retried.
public enum DiscoveryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Creating or starting Avahi's event loop failed.
    case eventLoop(String)
    /// `start()` was called twice, or after `shutdown()`.
    case alreadyStarted
    /// The service description is invalid.
    case invalidService(String)

    public var description: String {
        switch self {
        case .eventLoop(let message): "Avahi event loop: \(message)"
        case .alreadyStarted: "already started (or shut down)"
        case .invalidService(let message): "invalid service: \(message)"
        }
    }
}
