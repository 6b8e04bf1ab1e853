/// A device that cannot run a step, and the first constraint it failed.
public struct DeviceRejection: Sendable, Codable, Equatable, CustomStringConvertible {
    public var device: DeviceID
    public var reason: RejectionReason

    public init(device: DeviceID, reason: RejectionReason) {
        self.device = device
        self.reason = reason
    }

    /// `dev-a: is dead`.
    public var description: String { "\(device): \(reason.singular)" }
}

/// Why a filter rejected a device, as a verb phrase in singular and plural so that reasons can be
/// counted: `is dead` / `are dead`, `lacks camera.take_image` / `lack camera.take_image`.
public struct RejectionReason: Sendable, Codable, Hashable {
    public var filter: String
    public var singular: String
    public var plural: String

    public init(filter: String, singular: String, plural: String) {
        self.filter = filter
        self.singular = singular
        self.plural = plural
    }
}
