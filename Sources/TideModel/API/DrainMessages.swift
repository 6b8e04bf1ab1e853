/// `POST /api/v1/devices/{id}/drain`: what moved off the device, and what could not.
public struct DrainReport: Sendable, Codable, Equatable {
    public var device: DeviceID
    public var moved: [StepMove]
    /// Steps still on the device, with why (no other device can take them, the deploy failed).
    public var stayed: [StayedStep]

    public init(device: DeviceID, moved: [StepMove] = [], stayed: [StayedStep] = []) {
        self.device = device
        self.moved = moved
        self.stayed = stayed
    }
}

/// One step moved by a planned move, and what became of its state.
public struct StepMove: Sendable, Codable, Equatable {
    public var deployment: String
    public var step: String
    public var from: DeviceID
    public var to: DeviceID
    /// nil for a stateless step.
    public var state: StateOutcome?

    public init(deployment: String, step: String, from: DeviceID, to: DeviceID, state: StateOutcome? = nil) {
        self.deployment = deployment
        self.step = step
        self.from = from
        self.to = to
        self.state = state
    }
}

/// What became of a stateful step's state when it moved.
public struct StateOutcome: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// Snapshotted on the old device and restored on the new one.
        case carried
        /// Restored from the last checkpoint (after a crash).
        case restored
        /// The step started fresh: `reason` says why.
        case lost
    }

    public var outcome: Kind
    /// The snapshot's size (carried, restored).
    public var bytes: Int?
    /// `sha256:...` of the snapshot file.
    public var digest: String?
    /// How long the deployment's calls waited, in milliseconds (planned moves).
    public var pausedMs: Int?
    /// Seconds between the checkpoint and the restore (restored).
    public var ageSeconds: Double?
    public var reason: String?
    /// A pre-copied move: the bytes of changes sent while calls waited (`bytes` went before).
    public var changedBytes: Int?

    public init(
        outcome: Kind, bytes: Int? = nil, digest: String? = nil, pausedMs: Int? = nil, ageSeconds: Double? = nil,
        reason: String? = nil, changedBytes: Int? = nil
    ) {
        self.changedBytes = changedBytes
        self.outcome = outcome
        self.bytes = bytes
        self.digest = digest
        self.pausedMs = pausedMs
        self.ageSeconds = ageSeconds
        self.reason = reason
    }
}

/// A step a drain could not move.
public struct StayedStep: Sendable, Codable, Equatable {
    public var deployment: String
    public var step: String
    public var reason: String

    public init(deployment: String, step: String, reason: String) {
        self.deployment = deployment
        self.step = step
        self.reason = reason
    }
}
