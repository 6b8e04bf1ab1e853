import Foundation
import TideManifest
import TideModel
import TideSolver

/// Turns a manifest into a placement against the current fleet: pins every step's package (and
/// its dependencies) in the registry, gathers the host capabilities each step needs, and runs
/// the solver over a snapshot of the inventory. Nothing is stored.
struct Planner: Sendable {
    let inventory: Inventory
    let registry: PackageRegistry

    func plan(_ text: [UInt8], fileName: String) async throws -> PlanResponse {
        let manifest: DeploymentManifest
        do {
            manifest = try ManifestParser.parse(text, fileName: fileName)
        } catch {
            throw APIError(
                .unprocessableContent, code: "invalid_manifest", error.description,
                details: ["problems": .array(error.lines.map(JSONValue.string))])
        }

        var requirements: [String: String] = [:]
        for step in manifest.steps {
            if let earlier = requirements[step.package], earlier != step.versionRange.description {
                throw APIError.badRequest(
                    "steps ask for \(step.package) \(earlier) and \(step.versionRange); one deployment pins one version of a package")
            }
            requirements[step.package] = step.versionRange.description
        }
        let entries: [RegistryEntry]
        do {
            entries = try await registry.resolve(requirements)
        } catch {
            switch error {
            case .badRange(let message): throw APIError.badRequest(message)
            case .unsatisfiable(let lines):
                throw APIError(
                    .unprocessableContent, code: "unsatisfiable", lines.joined(separator: "\n"),
                    details: ["explanation": .array(lines.map(JSONValue.string))])
            }
        }
        let pinned = Dictionary(entries.map { ($0.record.name, $0) }, uniquingKeysWith: { first, _ in first })

        var stepNeeds: [String: StepRequirements] = [:]
        var pins: [PlanResponse.Pin] = []
        for step in manifest.steps {
            guard let entry = pinned[step.package] else {
                throw APIError.internalError("resolution did not pin \(step.package)")
            }
            guard entry.package.manifest.function(named: step.function) != nil else {
                throw APIError(
                    .unprocessableContent, code: "invalid_manifest",
                    "step \(step.name): \(step.package) \(entry.record.version) has no function \(step.function) (it has: \(entry.package.manifest.functions.map(\.name).joined(separator: ", ")))")
            }
            let needs = Set(closure(of: step.package, in: pinned).flatMap(\.record.hostCapabilities)).sorted()
            stepNeeds[step.name] = StepRequirements(capabilities: needs)
            pins.append(PlanResponse.Pin(
                step: step.name, package: step.package, version: entry.record.version, moduleDigest: entry.record.moduleDigest,
                needs: needs))
        }

        let now = Date()
        let fleet = await inventory.list().map { device in
            FleetDevice(device: device, imports: Self.reportedImports(of: device), damped: device.isDamped(at: now))
        }
        let request = PlacementRequest(manifest: manifest, requirements: stepNeeds)
        do {
            let plan = try Solver().solve(request, fleet: FleetIndex(FleetSnapshot(devices: fleet)))
            return PlanResponse(plan: plan, pins: pins)
        } catch {
            throw APIError(
                .unprocessableContent, code: "unplaceable", error.description,
                details: ["reasons": .string(error.description)])
        }
    }

    /// The package and everything it depends on, as pinned.
    private func closure(of name: String, in pinned: [String: RegistryEntry]) -> [RegistryEntry] {
        var seen: Set<String> = []
        var pending = [name]
        var result: [RegistryEntry] = []
        while let next = pending.popLast() {
            guard seen.insert(next).inserted, let entry = pinned[next] else { continue }
            result.append(entry)
            pending.append(contentsOf: entry.record.dependencies.keys.sorted())
        }
        return result
    }

    /// Qualified host functions a Tide supervisor reports in its description (`tide.imports`).
    static func reportedImports(of device: Device) -> [String] {
        device.description.value["tide"]?["imports"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
