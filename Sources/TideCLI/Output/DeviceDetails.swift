import Foundation
import TideModel

/// The text of `tide device show`.
enum DeviceDetails {
    static func render(_ device: Device) -> String {
        let capabilities = device.capabilities
        var lines = [
            "id:          \(device.id)",
            "name:        \(device.name)",
            "addresses:   \(device.addresses.joined(separator: ", ")) (port \(device.port))",
            "status:      \(device.status.rawValue) since \(TideJSON.formatTimestamp(device.statusSince)) (\(Formatting.ago(device.statusSince)))",
            "reason:      \(device.statusReason)",
            "trust:       \(Self.trust(device.trust))",
            "transport:   \(device.transport == "https" ? "https (mutual TLS with its fleet certificate)" : "http (plain, no certificate)")",
            "supervisor:  \(device.supervisor == .tide ? "tide" : "wasmiot (its protocol carries no floats: such steps go elsewhere)")",
            "memory:      \(Formatting.bytes(capabilities.memoryBytes))",
        ]
        if let cpu = capabilities.cpuName {
            lines.append("cpu:         \(cpu)\(capabilities.cpuClockHz.map { " @ " + Formatting.hertz($0) } ?? "")")
        }
        if let arch = capabilities.arch { lines.append("arch:        \(arch)") }
        if let health = device.health {
            lines.append(
                "health:      cpu \(Int((health.cpuUsage * 100).rounded()))%, memory \(Int((health.memoryUsage * 100).rounded()))% (\(Formatting.ago(health.receivedAt)))")
        }
        let labels = device.labels.keys.sorted().map { "\($0)=\(device.labels[$0] ?? "")" }
        lines.append("labels:      \(labels.isEmpty ? "(none)" : labels.joined(separator: ", "))")
        if !capabilities.labels.isEmpty {
            let reported = capabilities.labels.keys.sorted().map { "\($0)=\(capabilities.labels[$0] ?? "")" }
            lines.append("reported:    \(reported.joined(separator: ", "))")
        }
        if let until = device.dampedUntil, until > Date() {
            lines.append("damped:      until \(TideJSON.formatTimestamp(until)): it keeps dying and returning, new work avoids it")
        }
        if let since = device.cordonedAt {
            lines.append("cordoned:    since \(TideJSON.formatTimestamp(since)): no new work (tide device uncordon)")
        }
        lines.append("first seen:  \(TideJSON.formatTimestamp(device.firstSeen))")
        lines.append("last seen:   \(TideJSON.formatTimestamp(device.lastSeen)) (\(Formatting.ago(device.lastSeen)))")
        lines.append("interfaces:  \(capabilities.interfaces.count)")
        for name in capabilities.interfaces { lines.append("  \(name)") }
        return lines.joined(separator: "\n")
    }

    static func trust(_ trust: DeviceTrust) -> String {
        switch trust {
        case .operator: "operator (added or approved by an operator)"
        case .token: "token (its heartbeats carry the fleet's supervisor token)"
        case .unverified: "unverified (registered itself or was found over mDNS): no work until tide device approve"
        case .revoked: "revoked by an operator: dead to the fleet, heartbeats refused, until tide device approve"
        case .certificate: "certificate (enrolled with a join token; mutual TLS with the fleet CA)"
        }
    }
}
