import Foundation
import TideModel

extension NewFleetEvent {
    /// An event about `deployment`: its name and generation always in the details, `extra` on top.
    static func about(
        _ deployment: Deployment, _ kind: FleetEventKind, _ message: String, device: DeviceID? = nil,
        extra: [String: JSONValue] = [:], at time: Date
    ) -> NewFleetEvent {
        var details: [String: JSONValue] = ["deployment": .string(deployment.name), "generation": .number(JSONNumber(deployment.generation))]
        details.merge(extra) { _, new in new }
        return NewFleetEvent(time: time, kind: kind, device: device, message: message, details: .object(details))
    }
}
