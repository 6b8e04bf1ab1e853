import Foundation
import Synchronization
import TideModel

/// Per device: the deployments it last reported (deployment -> generation), and when. Shared by
/// the controller and the heartbeat route, which asks `isNews` before it hands a heartbeat to the
/// controller: a leader hears thousands a second, nearly all of them what the device said before.
final class Observations: Sendable {
    /// A report that did not change is settled again after this long.
    static let refresh: TimeInterval = 10

    private let last = Mutex<[DeviceID: (reported: [String: Int64], at: Date)]>([:])

    /// Whether `current` is worth settling: new, changed, or last settled `refresh` ago.
    func isNews(_ device: DeviceID, _ current: [String: Int64], now: Date) -> Bool {
        last.withLock { last in
            guard let seen = last[device] else { return true }
            return seen.reported != current || now.timeIntervalSince(seen.at) >= Self.refresh
        }
    }

    /// `isNews`, and if so, remembers `current` as settled at `now`.
    func take(_ device: DeviceID, _ current: [String: Int64], now: Date) -> Bool {
        last.withLock { last in
            if let seen = last[device], seen.reported == current, now.timeIntervalSince(seen.at) < Self.refresh { return false }
            last[device] = (current, now)
            return true
        }
    }

    /// The generation of `deployment` that `device` last reported.
    func reported(_ device: DeviceID, _ deployment: String) -> Int64? { last.withLock { $0[device]?.reported[deployment] } }

    /// What these devices report is to be compared afresh (their desired state changed).
    func forget<Devices: Sequence<DeviceID>>(_ devices: Devices) {
        last.withLock { last in
            for device in devices { last[device] = nil }
        }
    }

    func forgetAll() { last.withLock { $0.removeAll() } }
}

extension [Heartbeat.DeploymentState] {
    /// As `Observations` keeps a report: deployment -> generation (the first of a repeated id).
    var generations: [String: Int64] { Dictionary(map { ($0.id, Int64($0.generation)) }) { first, _ in first } }
}
