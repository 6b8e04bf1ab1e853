import TideModel
import TideStore

/// Why an inventory change was refused or failed.
public enum InventoryError: Error, CustomStringConvertible, Equatable {
    case unknownDevice(DeviceID)
    case invalidLabel(String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .unknownDevice(let id): "no device with id \"\(id)\""
        case .invalidLabel(let reason): reason
        case .store(let error): error.description
        }
    }
}
