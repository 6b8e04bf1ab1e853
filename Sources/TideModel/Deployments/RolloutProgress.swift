import Foundation

/// Where an update of a running deployment stands as it rolls out stage by stage.
public struct RolloutProgress: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Stages are being pushed and checked.
        case rolling
        /// Waits for `tide deploy resume` (or `abort`): paused by the operator, after a canary
        /// without auto-promote, or after a failed stage without auto-revert.
        case paused
        /// Every device took the new generation.
        case done
        /// A stage failed or the operator aborted: every device went back to the previous generation.
        case reverted
    }

    /// The generation that ran before, and the one rolling out.
    public var from: Int64
    public var to: Int64
    public var state: State
    /// Stages finished, of `stages` (the canary, if any, is the first).
    public var stage: Int
    public var stages: Int
    public var canary: Int
    public var canaryPassed: Bool
    /// Devices that took generation `to` in this rollout, in the order they did.
    public var updated: [DeviceID]
    /// Devices still to take it.
    public var remaining: Int
    public var startedAt: Date
    public var endedAt: Date?
    /// Why it paused or was reverted.
    public var message: String?

    public init(
        from: Int64, to: Int64, state: State = .rolling, stage: Int = 0, stages: Int = 0, canary: Int = 0,
        canaryPassed: Bool = false, updated: [DeviceID] = [], remaining: Int = 0, startedAt: Date, endedAt: Date? = nil,
        message: String? = nil
    ) {
        self.from = from
        self.to = to
        self.state = state
        self.stage = stage
        self.stages = stages
        self.canary = canary
        self.canaryPassed = canaryPassed
        self.updated = updated
        self.remaining = remaining
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.message = message
    }

    /// Still under way: pushing, or paused halfway.
    public var isUnderWay: Bool { state == .rolling || state == .paused }
}
