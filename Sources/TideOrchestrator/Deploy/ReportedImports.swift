import Synchronization
import TideModel

/// The qualified host functions each Tide supervisor reports (`tide.imports` in its description),
/// parsed once per description rather than at every placement.
final class ReportedImports: Sendable {
    private let cache = Mutex<[DeviceID: (description: [UInt8], imports: [String])]>([:])

    func imports(of device: Device) -> [String] {
        let bytes = device.description.bytes
        if let cached = cache.withLock({ $0[device.id] }), cached.description == bytes { return cached.imports }
        let imports = device.description.value["tide"]?["imports"]?.arrayValue?.compactMap(\.stringValue) ?? []
        cache.withLock { $0[device.id] = (bytes, imports) }
        return imports
    }
}
