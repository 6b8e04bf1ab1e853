/// What a certificate of the fleet CA is for; written as the subject's organizational unit.
public enum FleetRole: String, Sendable, Equatable, CaseIterable {
    /// The orchestrator: serves the API, and is the only peer a supervisor takes deployments from.
    case server = "tide-server"
    /// One device; the common name is its device id.
    case device = "tide-device"
}
