import Synchronization
import TideModel

/// What placement reads from each device's description beyond its capabilities: the qualified
/// host functions a Tide supervisor reports (`tide.imports`) and which supervisor it is. Parsed
/// once per description rather than at every placement.
final class DescriptionFacts: Sendable {
    struct Facts: Sendable {
        var imports: [String]
        var supervisor: SupervisorKind
    }

    private let cache = Mutex<[DeviceID: (description: [UInt8], facts: Facts)]>([:])

    func facts(of device: Device) -> Facts {
        let bytes = device.description.bytes
        if let cached = cache.withLock({ $0[device.id] }), cached.description == bytes { return cached.facts }
        let json = device.description.value
        let facts = Facts(
            imports: json["tide"]?["imports"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            supervisor: SupervisorKind(description: json))
        cache.withLock { $0[device.id] = (bytes, facts) }
        return facts
    }
}
