import Foundation
import TideModel

/// The latest health report and last-seen time of one device, written in batches by the monitor.
public struct HealthUpdate: Sendable, Equatable {
    public var device: DeviceID
    public var health: HealthReport
    public var lastSeen: Date
    /// What the device's latest heartbeat said it runs (deployment -> generation); nil from a
    /// probe, which leaves the stored report as it is. Kept in the store so that the replica that
    /// leads sees heartbeats another replica received.
    public var reported: [String: Int64]?
    /// When its latest heartbeat arrived; nil when only probes answered since the last write
    /// (the stored time stays). Lets the replica watching a device tell heartbeats another replica
    /// received from probes.
    public var heard: Date?

    public init(device: DeviceID, health: HealthReport, lastSeen: Date, reported: [String: Int64]? = nil, heard: Date? = nil) {
        self.device = device
        self.health = health
        self.lastSeen = lastSeen
        self.reported = reported
        self.heard = heard
    }

    /// The report as the `device.reported` column holds it (JSON text), nil without one.
    public var reportedText: String? {
        guard let reported else { return nil }
        return (try? JSONEncoder.sortedKeys.encode(reported)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads the `device.reported` column.
    public static func reported(fromText text: String?) -> [String: Int64]? {
        guard let text else { return nil }
        // What most heartbeats say: nothing deployed.
        if text == "{}" { return [:] }
        return try? JSONDecoder().decode([String: Int64].self, from: Data(text.utf8))
    }
}

extension JSONEncoder {
    fileprivate static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}
