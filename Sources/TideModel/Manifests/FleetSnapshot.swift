/// The devices the solver may use, sorted by id so that results never depend on input order.
public struct FleetSnapshot: Sendable, Codable, Equatable {
    public private(set) var devices: [FleetDevice]

    /// When an id appears twice, the later entry wins.
    public init(devices: [FleetDevice]) {
        var byID: [DeviceID: FleetDevice] = [:]
        for device in devices { byID[device.id] = device }
        self.devices = byID.values.sorted { $0.id < $1.id }
    }

    public func device(_ id: DeviceID) -> FleetDevice? {
        devices.first { $0.id == id }
    }
}
