import Foundation

/// A piece of evidence about whether a device is up.
public enum LivenessEvidence: Sendable, Equatable {
    /// `GET /health` answered with a usable report.
    case probeAnswered
    /// A Tide supervisor's heartbeat arrived.
    case heartbeat
    case probeFailed(ProbeFailure)
    /// A device that sends heartbeats has not sent one for longer than the policy allows. One
    /// that can be `probed` is probed at once and keeps its status until the probe tells: silence
    /// alone is no failure (its heartbeats may be on their way to another replica), and a failed
    /// probe then makes it dead, two independent signals. One that cannot be probed is suspect.
    case heartbeatsMissing(probed: Bool)
    /// Its mDNS announcement was withdrawn (a goodbye).
    case announcementWithdrawn

    public var isProofOfLife: Bool { self == .probeAnswered || self == .heartbeat }
}

public enum ProbeFailure: String, Sendable, Equatable {
    /// Nothing listens on the port: the supervisor process is gone.
    case refused
    case timeout
    /// Unreachable, an HTTP error, a malformed answer.
    case other
}

/// What the health policy remembers about one device between pieces of evidence.
public struct Liveness: Sendable, Equatable {
    public var consecutiveFailures = 0
    public var consecutiveRefusals = 0
    public var heartbeatsMissing = false
    /// When the device came back after being dead, most recent last (for flap damping).
    public var revivals: [Date] = []
    public var dampedUntil: Date?

    public init() {}
}

extension HealthPolicy {
    /// The status after `evidence`, updating `liveness`. Failures only ever worsen the status;
    /// proof of life makes the device alive. Two independent signals (heartbeats stopped and a
    /// probe failed), or repeated refused connections, are enough to declare a device dead early.
    public func assess(current: DeviceStatus, liveness: inout Liveness, evidence: LivenessEvidence) -> DeviceStatus {
        switch evidence {
        case .probeAnswered, .heartbeat:
            liveness.consecutiveFailures = 0
            liveness.consecutiveRefusals = 0
            if evidence == .heartbeat { liveness.heartbeatsMissing = false }
            return .alive
        case .probeFailed(let failure):
            liveness.consecutiveFailures += 1
            liveness.consecutiveRefusals = failure == .refused ? liveness.consecutiveRefusals + 1 : 0
            var status = self.status(afterConsecutiveFailures: liveness.consecutiveFailures)
            if liveness.consecutiveRefusals >= refusedDeadAfter || liveness.heartbeatsMissing { status = .dead }
            return max(current, status)
        case .heartbeatsMissing(let probed):
            liveness.heartbeatsMissing = true
            return probed ? current : max(current, .suspect)
        case .announcementWithdrawn:
            return max(current, .suspect)
        }
    }

    /// Records a return from dead at `time` and damps a device that keeps coming back: after the
    /// second return within `flapWindow`, new work waits `dampBase`, doubling with each further
    /// return, up to `flapWindow`. Returns the damping end when the device is damped now.
    public func recordRevival(at time: Date, liveness: inout Liveness) -> Date? {
        liveness.revivals = liveness.revivals.filter { time.timeIntervalSince($0) < flapWindow } + [time]
        let count = liveness.revivals.count
        guard count >= 2 else { return nil }
        let seconds = min(flapWindow, dampBase * pow(2, Double(count - 2)))
        let until = time.addingTimeInterval(seconds)
        liveness.dampedUntil = until
        return until
    }
}
