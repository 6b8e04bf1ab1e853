import Foundation

/// One entry of the event log: something that happened to the fleet, with its cause.
public struct FleetEvent: Sendable, Codable, Equatable, Identifiable {
    /// Increasing sequence number; `since` cursors refer to it.
    public var id: Int64
    public var time: Date
    public var kind: FleetEventKind
    public var device: DeviceID?
    /// One sentence a person can read.
    public var message: String
    /// Machine-readable particulars (old and new status, evidence, labels).
    public var details: JSONValue?

    public init(id: Int64, time: Date, kind: FleetEventKind, device: DeviceID?, message: String, details: JSONValue?) {
        self.id = id
        self.time = time
        self.kind = kind
        self.device = device
        self.message = message
        self.details = details
    }

    /// One line for people: `time  kind  device  message`.
    public var line: String {
        "\(TideJSON.formatTimestamp(time))  \(kind.rawValue)  \(device?.rawValue ?? "-")  \(message)"
    }
}

public enum FleetEventKind: String, Sendable, Codable, CaseIterable {
    case deviceRegistered = "device.registered"
    case deviceUpdated = "device.updated"
    case deviceStatusChanged = "device.status"
    case deviceLabelsChanged = "device.labels"
    case deviceRemoved = "device.removed"
    case deviceDamped = "device.damped"
    /// An unverified device became trusted: approved by an operator, or it proved the fleet token.
    case deviceTrusted = "device.trusted"
    /// An operator revoked a device: it is dead to the fleet, its steps move elsewhere.
    case deviceRevoked = "device.revoked"
    case packagePublished = "package.published"
    case packageYanked = "package.yanked"
    case packageUnyanked = "package.unyanked"
    /// A deployment was stored (created or updated); details hold its generation and placement.
    case deploymentApplied = "deployment.applied"
    /// A deployment's status changed (deploying, active, degraded, failed).
    case deploymentStatusChanged = "deployment.status"
    /// One step's node reached its device, or failed to; `device` names it.
    case deploymentStepChanged = "deployment.step"
    /// A step moved to another device; details hold from, to and the reasons.
    case deploymentStepMoved = "deployment.moved"
    /// A stateful step's state after a move: carried, restored from a checkpoint, or lost (the
    /// step started fresh); details hold `step`, `outcome`, and the sizes, ages and times.
    case deploymentState = "deployment.state"
    /// An operator cordoned a device (no new work) or uncordoned it.
    case deviceCordoned = "device.cordoned"
    case deviceUncordoned = "device.uncordoned"
    /// A rollout stage started or passed; a rollout paused, resumed, finished or was reverted.
    case deploymentRollout = "deployment.rollout"
    case deploymentRemoved = "deployment.removed"
    /// An operator token was created or revoked (details: `token`, `name`, `role`, `by`).
    case tokenCreated = "token.created"
    case tokenRevoked = "token.revoked"
    /// A join token was created or revoked (details: `joinToken` id; on creation `uses`,
    /// `expiresAt`, `labels`, `by`).
    case joinTokenCreated = "join-token.created"
    case joinTokenRevoked = "join-token.revoked"
    /// A device enrolled with a join token and got a certificate (details: `joinToken`, `serial`, `notAfter`).
    case deviceEnrolled = "device.enrolled"
    /// A device renewed its certificate (details: `serial`, `previous`, `notAfter`).
    case deviceRenewed = "device.renewed"
    /// An operator revoked a device's certificates (details: `certificates` = how many were in force).
    case deviceCertificatesRevoked = "device.certificates_revoked"
}

/// An event not yet written: the store assigns its id.
public struct NewFleetEvent: Sendable, Equatable {
    public var time: Date
    public var kind: FleetEventKind
    public var device: DeviceID?
    public var message: String
    public var details: JSONValue?

    public init(time: Date, kind: FleetEventKind, device: DeviceID?, message: String, details: JSONValue? = nil) {
        self.time = time
        self.kind = kind
        self.device = device
        self.message = message
        self.details = details
    }
}
