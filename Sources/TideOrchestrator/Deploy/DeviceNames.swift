import TideModel

/// Devices as operators read them in event messages: `name (id)`, or the id alone when the
/// inventory no longer knows the device.
struct DeviceNames: Sendable, Equatable {
    var names: [DeviceID: String] = [:]

    func label(_ device: DeviceID) -> String {
        names[device].map { "\($0) (\(device))" } ?? device.rawValue
    }
}

extension DeploymentController {
    func deviceNames(_ devices: some Sequence<DeviceID>) async -> DeviceNames {
        DeviceNames(names: await inventory.names(of: Array(devices)))
    }
}
