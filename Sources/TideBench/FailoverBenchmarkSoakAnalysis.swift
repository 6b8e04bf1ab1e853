import Foundation
import TideModel

/// Reads the soak's event log against its kill log: which moves were failovers of a killed device
/// and which were not, which devices were declared dead without being killed, and the outages the
/// pipeline client saw.
struct FailoverBenchmarkSoakAnalysis: Sendable {
    let events: [FleetEvent]
    let kills: [FailoverBenchmarkSoak.Kill]
    let names: [DeviceID: String]
    let started: Date
    let ended: Date
    /// Slack around a kill's down time (kill to alive again) for the server's events.
    let grace: TimeInterval = 2

    struct Move: Codable, Sendable {
        var time: Date
        var step: String
        var from: String?
        var to: String
        var message: String
    }

    struct Moves: Codable, Sendable {
        var total = 0
        /// The step's device was down (killed and not back yet) when it moved.
        var failovers = 0
        /// The step stayed on a killed device until it returned, and moved then (e.g. no other device could take it meanwhile).
        var afterReturn: [Move] = []
        /// Moves of a step that had no device.
        var fromNowhere: [Move] = []
        /// Moves away from a device that was up and had not been killed since the step was placed on it.
        var falseFailovers: [Move] = []
    }

    struct Outage: Codable, Sendable {
        var from: Date
        var to: Date
        var milliseconds: Double
        /// The server's events in the gap (deployments, damping, device deaths and returns).
        var events: [String]
    }

    func name(_ device: DeviceID) -> String { names[device] ?? device.rawValue }

    /// Whether `device` was down (killed, not yet alive again) at `time`, give or take the grace.
    func isDown(_ device: DeviceID, at time: Date) -> Bool {
        kills.contains { kill in
            kill.device == device && time >= kill.killedAt.addingTimeInterval(-grace)
                && time <= (kill.aliveAgainAt ?? kill.restartedAt ?? ended).addingTimeInterval(grace)
        }
    }

    /// Classifies every `deployment.moved` event; `initial` is the placement when the soak began.
    func moves(initial: [String: DeviceID]) -> Moves {
        var placed = initial.mapValues { (device: $0, since: started) }
        var moves = Moves()
        for event in events where event.kind == .deploymentStepMoved {
            guard let step = event.details?["step"]?.stringValue, let to = event.details?["to"]?.stringValue else { continue }
            let from = event.details?["from"]?.stringValue.map { DeviceID($0) }
            let move = Move(time: event.time, step: step, from: from.map(name), to: name(DeviceID(to)), message: event.message)
            moves.total += 1
            if let from {
                let lastKill = kills.filter { $0.device == from && $0.killedAt <= event.time.addingTimeInterval(grace) }
                    .map(\.killedAt).max()
                if isDown(from, at: event.time) {
                    moves.failovers += 1
                } else if let lastKill, let since = placed[step]?.since, since <= lastKill {
                    moves.afterReturn.append(move)
                } else {
                    moves.falseFailovers.append(move)
                }
            } else {
                moves.fromNowhere.append(move)
            }
            placed[step] = (DeviceID(to), event.time)
        }
        return moves
    }

    /// `device.status` changes to dead of devices that were not down then.
    func falseDeaths() -> [String] {
        events.filter { event in
            guard event.kind == .deviceStatusChanged, event.details?["to"]?.stringValue == "dead", let device = event.device else {
                return false
            }
            return !isDown(device, at: event.time)
        }.map(\.line)
    }

    /// `device.damped` events, one line each.
    func damping() -> [String] {
        events.filter { $0.kind == .deviceDamped }.map(\.line)
    }

    /// Gaps between successful runs (and from the start to the first, and from the last to the
    /// end), longest first; those over `threshold` seconds, with the events in them when over `explain`.
    func outages(successes: [Date], threshold: TimeInterval, explain: TimeInterval) -> (longest: Outage?, over: [Outage]) {
        let moments = [started] + successes.sorted() + [ended]
        var gaps: [Outage] = []
        for (from, to) in zip(moments, moments.dropFirst()) {
            let seconds = to.timeIntervalSince(from)
            gaps.append(Outage(from: from, to: to, milliseconds: seconds * 1000, events: seconds > explain ? lines(from: from, to: to) : []))
        }
        gaps.sort { $0.milliseconds > $1.milliseconds }
        var longest = gaps.first
        if let first = longest, first.events.isEmpty { longest?.events = lines(from: first.from, to: first.to) }
        return (longest, gaps.filter { $0.milliseconds > threshold * 1000 }.sorted { $0.from < $1.from })
    }

    private func lines(from: Date, to: Date) -> [String] {
        let kinds: Set<FleetEventKind> = [
            .deviceStatusChanged, .deviceDamped, .deploymentStatusChanged, .deploymentStepMoved, .deploymentStepChanged,
        ]
        let window = events.filter { kinds.contains($0.kind) && $0.time >= from.addingTimeInterval(-grace) && $0.time <= to }
        return window.prefix(30).map(\.line)
    }
}
