import Foundation
import TideModel

/// A device whose probe is due, and what decides its turn when more are due than may run.
struct DueProbe: Sendable, Equatable {
    var id: DeviceID
    var endpoint: DeviceEndpoint
    var suspect: Bool
    /// Its last heartbeat or answered probe.
    var lastProof: Date

    /// The `limit` probes to run first: suspects (a probe decides whether they are dead), then the
    /// devices silent the longest. When thousands fall silent at once (a replica died, heartbeats
    /// starve on a saturated machine), a device that crashed is probed once its silence is the
    /// longest, not when its place in the inventory comes round.
    static func first(_ limit: Int, of due: [DueProbe]) -> [DueProbe] {
        guard due.count > limit else { return due }
        guard limit > 0 else { return [] }
        return Array(due.sorted { ($0.suspect ? 0 : 1, $0.lastProof) < ($1.suspect ? 0 : 1, $1.lastProof) }.prefix(limit))
    }
}
