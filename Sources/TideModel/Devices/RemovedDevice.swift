import Foundation

/// A device an operator removed (`tide device rm`): its heartbeats and registrations are refused
/// until an operator adds it again (`tide device add`) or it enrolls with a new join token.
public struct RemovedDevice: Sendable, Hashable {
    public var id: DeviceID
    public var name: String
    public var removedAt: Date
    /// Where it answered; a device that reports no id of its own (a wasmiot supervisor) is
    /// recognised by these.
    public var addresses: [String]
    public var port: Int

    public init(id: DeviceID, name: String, removedAt: Date, addresses: [String], port: Int) {
        self.id = id
        self.name = name
        self.removedAt = removedAt
        self.addresses = addresses
        self.port = port
    }

    public init(_ device: Device, at time: Date) {
        self.init(id: device.id, name: device.name, removedAt: time, addresses: device.addresses, port: device.port)
    }

    public var endpoints: [DeviceEndpoint] { addresses.map { DeviceEndpoint(host: $0, port: port) } }
}
