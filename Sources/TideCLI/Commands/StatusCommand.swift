import ArgumentParser
import Foundation
import TideClient
import TideModel

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the server: its datastore, its replicas and which one leads, and the fleet in numbers.",
        discussion: """
            With several replicas on one PostgreSQL datastore, one of them leads (holds the lease): it \
            reconciles and deploys; every replica answers the API. The table lists the live replicas, the \
            leader marked with *, and the one that answered with (this). The lease's term grows by one each \
            time another replica takes over. A single server on SQLite is its own leader.
            """)
    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = try client.client()
        let status = try await call { try await client.cluster() }
        if output.json { return print(try TideJSON.text(status)) }
        let devices = try await call { try await client.devices() }
        let deployments = try await call { try await client.deployments() }
        print(Self.render(status, devices: devices.map(\.status), deployments: deployments.map(\.status)))
    }

    static func render(_ status: ClusterStatus, devices: [DeviceStatus], deployments: [DeploymentStatus], now: Date = Date()) -> String {
        var lines = ["datastore:  \(status.datastore)"]
        if let leader = status.leader {
            lines.append("leader:     \(leader) (term \(status.term))")
        } else {
            lines.append("leader:     none right now (the lease moves to a live replica within seconds)")
        }
        if let problem = status.problem { lines.append("problem:    \(problem)") }
        lines.append("devices:    \(counts(devices.map(\.rawValue), total: devices.count))")
        lines.append("deployments: \(counts(deployments.map(\.rawValue), total: deployments.count))")
        lines.append("")
        var table = Table(header: ["REPLICA", "URL", "SEEN", "STARTED"])
        for replica in status.replicas {
            let name = replica.id + (replica.leader ? " *" : "") + (replica.this ? " (this)" : "")
            table.rows.append([
                name, replica.url.isEmpty ? "-" : replica.url,
                replica.lastSeen.map { Formatting.ago($0, now: now) } ?? "-",
                replica.started.map { Formatting.ago($0, now: now) } ?? "-",
            ])
        }
        lines.append(table.render())
        return lines.joined(separator: "\n")
    }

    private static func counts(_ values: [String], total: Int) -> String {
        guard total > 0 else { return "0" }
        var byValue: [String: Int] = [:]
        for value in values { byValue[value, default: 0] += 1 }
        return "\(total) (" + byValue.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
    }
}
