import Foundation
import TideModel

/// The latest health report and last-seen time of one device, written in batches by the monitor.
public struct HealthUpdate: Sendable, Equatable {
    public var device: DeviceID
    public var health: HealthReport
    public var lastSeen: Date

    public init(device: DeviceID, health: HealthReport, lastSeen: Date) {
        self.device = device
        self.health = health
        self.lastSeen = lastSeen
    }
}
