import Foundation
import TideModel

/// The texts of `tide deploy show`, `tide deploy ls` and the end of `tide deploy apply`.
enum DeploymentDetails {
    static func render(_ deployment: Deployment, names: DeviceNames) -> String {
        var lines = [
            "name:        \(deployment.name)",
            "status:      \(deployment.status.rawValue)",
        ]
        if let reason = deployment.reason { lines.append("reason:      \(reason)") }
        lines += [
            "generation:  \(deployment.generation)",
        ]
        if let rollout = deployment.rollout { lines.append("rollout:     \(Self.rollout(rollout))") }
        if let previous = deployment.previous { lines.append("reverts to:  generation \(previous.generation) if the update fails") }
        lines += [
            "created:     \(TideJSON.formatTimestamp(deployment.createdAt))",
            "updated:     \(TideJSON.formatTimestamp(deployment.updatedAt)) (\(Formatting.ago(deployment.updatedAt)))",
            "packages:",
        ]
        for package in deployment.packages.sorted(by: { ($0.name, $0.version) < ($1.name, $1.version) }) {
            lines.append(
                "  " + describe(
                    name: package.name, version: package.version, module: package.moduleDigest, files: package.files,
                    dependencies: package.dependencies))
        }
        lines.append("steps:")
        lines += indented(steps(deployment, names: names))
        if let plan = deployment.plan { lines += placement(plan, names: names) }
        return lines.joined(separator: "\n")
    }

    /// `rolling: stage 3 of 10 (canary passed), 20 updated, 80 to go, generation 4 -> 5`.
    static func rollout(_ rollout: RolloutProgress) -> String {
        let position = rollout.isUnderWay
            ? "stage \(min(rollout.stage + 1, max(rollout.stages, 1))) of \(rollout.stages)" : "\(rollout.stage) of \(rollout.stages) stages passed"
        var parts = ["\(rollout.state.rawValue): \(position)"]
        if rollout.canary > 0 { parts[0] += rollout.canaryPassed ? " (canary passed)" : " (canary of \(rollout.canary))" }
        parts.append("\(rollout.updated.count) updated, \(rollout.remaining) to go")
        parts.append("generation \(rollout.from) -> \(rollout.to)")
        if let message = rollout.message { parts.append(message) }
        return parts.joined(separator: ", ")
    }

    /// STEP, PACKAGE, DEVICE, STATE, ENDPOINT, KEEPS when a step keeps its state (liquid state:
    /// `memory` or `memory, checkpoint 10s`), and ERROR when a step has one.
    static func steps(_ deployment: Deployment, names: DeviceNames) -> String {
        let withErrors = deployment.steps.contains { $0.error != nil }
        let kept = Dictionary(deployment.manifest.steps.compactMap { step in step.state.map { (step.name, $0) } }) { first, _ in first }
        var table = Table(
            header: ["STEP", "PACKAGE", "DEVICE", "STATE", "ENDPOINT"] + (kept.isEmpty ? [] : ["KEEPS"]) + (withErrors ? ["ERROR"] : []))
        for step in deployment.steps {
            let pin = deployment.pins.first { $0.step == step.step }
            var row = [
                step.step, pin.map { "\($0.package)@\($0.version)" } ?? "-", names.label(step.device), step.state.rawValue, step.endpoint ?? "-",
            ]
            if !kept.isEmpty { row.append(kept[step.step].map(keeps) ?? "-") }
            if withErrors { row.append(step.error ?? "-") }
            table.rows.append(row)
        }
        return table.render()
    }

    /// What a stateful step keeps when it moves: its state, and how often it is checkpointed.
    static func keeps(_ state: KeptState) -> String {
        guard let seconds = state.checkpointSeconds else { return "state" }
        let interval = seconds == seconds.rounded() ? "\(Int(seconds))s" : String(format: "%.1fs", seconds)
        return "state, checkpoint \(interval)"
    }

    /// `tide deploy ls`.
    static func list(_ deployments: [DeploymentSummary], names: DeviceNames) -> String {
        var table = Table(header: ["NAME", "STATUS", "GENERATION", "STEPS", "UPDATED"])
        for deployment in deployments {
            let steps = deployment.placement.keys.sorted().map { "\($0)->\(names.label(deployment.placement[$0]))" }
            table.rows.append([
                deployment.name, deployment.status.rawValue, String(deployment.generation),
                steps.isEmpty ? "-" : steps.joined(separator: ", "), Formatting.ago(deployment.updatedAt),
            ])
        }
        return table.render()
    }

    /// `fibo 1.1.0  module 1304020f5d13  files labels=ab8a85e7cf66  uses mathlib`.
    static func describe(name: String, version: String, module: String, files: [String: String], dependencies: [String]) -> String {
        var text = "\(name) \(version)  module \(short(module))"
        if !files.isEmpty {
            text += "  files " + files.keys.sorted().map { "\($0)=\(short(files[$0] ?? ""))" }.joined(separator: ", ")
        }
        if !dependencies.isEmpty { text += "  uses " + dependencies.sorted().joined(separator: ", ") }
        return text
    }

    /// The plan's scores: per step its device, score, breakdown and rejections.
    static func placement(_ plan: PlacementPlan, names: DeviceNames) -> [String] {
        var lines = ["plan:        \(plan.method), total score \(String(format: "%.2f", plan.totalScore))"]
        for step in plan.steps {
            lines.append("  \(step.step) -> \(names.label(step.device))  score \(String(format: "%.2f", step.score))\(step.kept ? " (kept)" : "")")
            for component in step.breakdown { lines.append("    \(component)") }
            if !step.rejected.isEmpty { lines.append("    rejected: \(PlanTable.rejections(step))") }
        }
        return lines
    }

    /// The first 12 hex digits of a digest.
    static func short(_ digest: String) -> String { String(digest.prefix(12)) }

    static func indented(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
    }
}
