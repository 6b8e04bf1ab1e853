/// One place a service instance was seen: Avahi reports the same instance once per interface
/// and protocol.
public struct SightingKey: Sendable, Hashable {
    public var interface: Int32
    public var protocolFamily: Int32
    public var name: String
    public var type: String
    public var domain: String

    public init(interface: Int32, protocolFamily: Int32, name: String, type: String, domain: String) {
        self.interface = interface
        self.protocolFamily = protocolFamily
        self.name = name
        self.type = type
        self.domain = domain
    }

    var instanceKey: InstanceKey { InstanceKey(name: name, type: type, domain: domain) }
}

/// The result of resolving one sighting.
public struct Resolution: Sendable, Hashable {
    public var hostName: String
    public var address: String?
    public var port: UInt16
    public var txt: [String: String]

    public init(hostName: String, address: String?, port: UInt16, txt: [String: String]) {
        self.hostName = hostName
        self.address = address
        self.port = port
        self.txt = txt
    }
}

struct InstanceKey: Sendable, Hashable {
    var name: String
    var type: String
    var domain: String
}

/// The browser's pure core: collects sightings and resolutions, merges the sightings of one
/// instance into one ``ServiceInstance`` and turns changes into de-duplicated events: `.found`
/// once, `.updated` only when the merged instance really changed, `.removed` when its last
/// sighting is gone.
///
/// Reconnects: ``markAllStale()`` when the daemon connection is lost; sightings reported again by
/// the new browser become fresh (``seen(_:)``); ``sweepStale()`` after the browser's "all for
/// now" removes only those that did not come back. A daemon restart therefore produces no
/// spurious `.removed`/`.found` pairs.
public struct ServiceCatalog: Sendable {
    private struct Sighting: Sendable {
        var order: Int
        var resolution: Resolution?
        var resolvedAt: Int = 0
        var stale = false
    }

    private var sightings: [SightingKey: Sighting] = [:]
    private var reported: [InstanceKey: ServiceInstance] = [:]
    private var sequence = 0

    public init() {}

    /// The instances reported so far (found and not removed), sorted by name.
    public var instances: [ServiceInstance] {
        reported.values.sorted { ($0.name, $0.type, $0.domain) < ($1.name, $1.type, $1.domain) }
    }

    /// The browser reported this sighting (new, or again after a reconnect).
    public mutating func seen(_ key: SightingKey) {
        if sightings[key] != nil {
            sightings[key]?.stale = false
        } else {
            sequence += 1
            sightings[key] = Sighting(order: sequence)
        }
    }

    /// A sighting was resolved (first time or an update).
    public mutating func resolved(_ key: SightingKey, _ resolution: Resolution) -> DiscoveryEvent? {
        seen(key)
        sequence += 1
        sightings[key]?.resolution = resolution
        sightings[key]?.resolvedAt = sequence
        return recompute(key.instanceKey)
    }

    /// The browser reported this sighting gone.
    public mutating func removed(_ key: SightingKey) -> DiscoveryEvent? {
        guard sightings.removeValue(forKey: key) != nil else { return nil }
        return recompute(key.instanceKey)
    }

    /// The connection to the daemon was lost: every sighting must be confirmed again.
    public mutating func markAllStale() {
        for key in sightings.keys { sightings[key]?.stale = true }
    }

    /// Drops the sightings not confirmed since ``markAllStale()``.
    public mutating func sweepStale() -> [DiscoveryEvent] {
        let stale = sightings.filter(\.value.stale).map(\.key)
        var events: [DiscoveryEvent] = []
        for key in stale.sorted(by: { ($0.name, $0.interface, $0.protocolFamily) < ($1.name, $1.interface, $1.protocolFamily) }) {
            if let event = removed(key) { events.append(event) }
        }
        return events
    }

    /// Merges all resolved sightings of one instance.
    static func merge(_ key: InstanceKey, sightings: [(order: Int, resolvedAt: Int, resolution: Resolution)]) -> ServiceInstance? {
        guard let latest = sightings.max(by: { $0.resolvedAt < $1.resolvedAt })?.resolution else { return nil }
        var addresses: [String] = []
        if let preferred = TXTRecord.wasmiotAddress(in: latest.txt) { addresses.append(preferred) }
        for sighting in sightings.sorted(by: { $0.order < $1.order }) {
            if let address = sighting.resolution.address, !addresses.contains(address) {
                addresses.append(address)
            }
        }
        return ServiceInstance(
            name: key.name, type: key.type, domain: key.domain, hostName: latest.hostName,
            addresses: addresses, port: latest.port, txt: latest.txt
        )
    }

    private mutating func recompute(_ key: InstanceKey) -> DiscoveryEvent? {
        let parts = sightings.compactMap { entry -> (order: Int, resolvedAt: Int, resolution: Resolution)? in
            guard entry.key.instanceKey == key, let resolution = entry.value.resolution else { return nil }
            return (entry.value.order, entry.value.resolvedAt, resolution)
        }
        let merged = Self.merge(key, sightings: parts)
        let previous = reported[key]
        switch (previous, merged) {
        case (nil, nil):
            return nil
        case (nil, let instance?):
            reported[key] = instance
            return .found(instance)
        case (_?, nil):
            // Sightings that are still unresolved do not keep an instance alive.
            reported[key] = nil
            return .removed(name: key.name)
        case (let old?, let instance?):
            guard old != instance else { return nil }
            reported[key] = instance
            return .updated(instance)
        }
    }
}

/// De-duplicates daemon availability: each change is reported once.
struct DaemonAvailability: Sendable {
    private(set) var isAvailable: Bool?

    mutating func available() -> Bool {
        guard isAvailable != true else { return false }
        isAvailable = true
        return true
    }

    mutating func unavailable() -> Bool {
        guard isAvailable != false else { return false }
        isAvailable = false
        return true
    }
}
