import Foundation

/// When consecutive failed probes make a device suspect, then dead.
public struct HealthPolicy: Sendable, Equatable {
    public var suspectAfter: Int
    public var deadAfter: Int
    /// Refused connections in a row that make a device dead (its process is gone).
    public var refusedDeadAfter = 2
    /// Seconds of window for counting returns from dead, and the longest damping.
    public var flapWindow: TimeInterval = 600
    /// Seconds of damping after the second return within the window.
    public var dampBase: TimeInterval = 30

    /// Suspect after one failed probe, dead after three (or two refused connections).
    public static let `default` = HealthPolicy(checkedSuspectAfter: 1, deadAfter: 3)

    private init(checkedSuspectAfter suspectAfter: Int, deadAfter: Int) {
        self.suspectAfter = suspectAfter
        self.deadAfter = deadAfter
    }

    public init(suspectAfter: Int, deadAfter: Int) throws(HealthPolicyError) {
        guard suspectAfter >= 1 else { throw .init(message: "suspect-after must be at least 1, got \(suspectAfter)") }
        guard deadAfter >= suspectAfter else {
            throw .init(message: "dead-after (\(deadAfter)) must be at least suspect-after (\(suspectAfter))")
        }
        self.suspectAfter = suspectAfter
        self.deadAfter = deadAfter
    }

    /// The status a device should have after `consecutiveFailures` failed probes in a row
    /// (0 after a success).
    public func status(afterConsecutiveFailures consecutiveFailures: Int) -> DeviceStatus {
        if consecutiveFailures >= deadAfter { return .dead }
        if consecutiveFailures >= suspectAfter { return .suspect }
        return .alive
    }
}

public struct HealthPolicyError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
