import TideClient
import TideModel

/// Device names for human output, from one device list request per command: `name (dev-…)`
/// where a device id appears, the bare id for a device the server no longer knows.
struct DeviceNames: Sendable {
    private var names: [DeviceID: String]
    /// The longest label of a known device, to line up columns printed one line at a time.
    private(set) var widestLabel = 0

    init(_ devices: [Device] = []) {
        self.init(names: Dictionary(devices.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first }))
    }

    init(names: [DeviceID: String]) {
        self.names = names
        widestLabel = names.keys.map { label($0).count }.max() ?? 0
    }

    /// One `GET /api/v1/devices`. Names only decorate ids: without an answer the ids are shown bare
    /// and the command's own request reports what is wrong.
    static func load(_ client: TideClient) async -> DeviceNames {
        guard let devices = try? await client.devices() else { return DeviceNames() }
        return DeviceNames(devices)
    }

    func knows(_ id: DeviceID) -> Bool { names[id] != nil }

    /// `lobby-camera (dev-1a2b3c4d5e6f)`, the id alone when the name is unknown or is the id, `-` for none.
    func label(_ id: DeviceID?, fallbackName: String? = nil) -> String {
        guard let id else { return "-" }
        guard let name = names[id] ?? fallbackName, !name.isEmpty, name != id.rawValue else { return id.rawValue }
        return "\(name) (\(id))"
    }

    /// One event for people: `time  kind  name (id)  message`. A removed device's name comes from
    /// its removal event.
    func line(_ event: FleetEvent) -> String {
        let removedName = event.kind == .deviceRemoved ? event.details?["name"]?.stringValue : nil
        let device = label(event.device, fallbackName: removedName)
        return "\(TideJSON.formatTimestamp(event.time))  \(event.kind.rawValue)  \(device)  \(event.message)"
    }
}
