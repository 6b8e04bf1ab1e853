import TideModel
import TideStore

/// Why an inventory change was refused or failed.
public enum InventoryError: ReportableError, Equatable {
    case unknownDevice(DeviceID)
    case invalidLabel(String)
    case store(StoreError)
    /// An open route named a trusted device that answers somewhere else.
    case trustedDeviceElsewhere(DeviceID, claimed: String)
    /// The device was revoked; only an operator brings it back.
    case revoked(DeviceID)
    /// An operator removed the device; its heartbeats and registrations are refused until it is
    /// added again or enrolls with a new join token.
    case removed(RemovedDevice)

    public var description: String {
        switch self {
        case .unknownDevice(let id): "no device with id \"\(id)\""
        case .invalidLabel(let reason): reason
        case .store(let error): error.description
        case .revoked(let id):
            "device \(id) was revoked by an operator; only an operator brings it back (tide device approve, or tide device add)"
        case .removed(let device):
            "this device (\(device.name), \(device.id)) was removed from the fleet by an operator at "
                + "\(TideJSON.formatTimestamp(device.removedAt)); its heartbeats and registrations are refused. Ask them to run "
                + "`tide device add \(device.endpoints.first?.description ?? "<host:port>")` or join again with a new join token "
                + "(tide device token create; tide supervisor --join ... --join-token ...)"
        case .trustedDeviceElsewhere(let id, let claimed):
            "the device at \(claimed) says it is \(id), a trusted device that answers at another address; an open route cannot move "
                + "a trusted device: its supervisor moves it with a heartbeat carrying the fleet token, or an operator with "
                + "tide device add"
        }
    }

    public var message: String { description }

    public var kind: FailureKind {
        switch self {
        case .unknownDevice: .notFound
        case .invalidLabel: .badRequest
        case .store: .internalFailure
        case .trustedDeviceElsewhere: .conflict
        case .revoked, .removed: .forbidden
        }
    }

    public var code: String {
        switch self {
        case .unknownDevice: "not_found"
        case .invalidLabel: "bad_request"
        case .store: "internal"
        case .trustedDeviceElsewhere: "trusted_device_elsewhere"
        case .revoked: "device_revoked"
        case .removed: "device_removed"
        }
    }
}
