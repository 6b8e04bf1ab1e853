import Foundation
import TideManifest
import TideModel
import TidePackageFormat
import TidePlacement

/// A manifest checked against the registry: every package pinned, every step's function found and
/// its inputs type-checked, the host capabilities each step needs gathered.
struct PreparedManifest: Sendable {
    var manifest: DeploymentManifest
    var source: String
    /// Every pinned package version, imports included.
    var entries: PinnedPackages
    var pins: [PlanResponse.Pin]
    var requirements: [String: StepRequirements]

    var request: PlacementRequest { PlacementRequest(manifest: manifest, requirements: requirements) }

    var packages: [DeploymentPackage] {
        entries.all.map { entry in
            DeploymentPackage(
                name: entry.record.name, version: entry.record.version, moduleDigest: entry.record.moduleDigest,
                files: Dictionary(entry.files.filter { $0.role == "data" }.map { ($0.file, $0.digest) }) { first, _ in first },
                dependencies: entry.record.dependencies.keys.sorted())
        }
    }

    func function(of step: ManifestStep) -> PackageFunction? {
        entries.entry(of: step)?.package.manifest.function(named: step.function)
    }

    /// Sets `passesFloats` on every step whose node describes a float: its function takes or
    /// returns one, or the step it chains to on the device (whose endpoint is in the node) returns one.
    mutating func markStepsPassingFloats() {
        let wiring = StepWiring(manifest: manifest)
        let byName = Dictionary(manifest.steps.map { ($0.name, $0) }) { first, _ in first }
        func returnsFloat(_ step: ManifestStep) -> Bool { function(of: step)?.result?.isFloat ?? false }
        for step in manifest.steps {
            let own = function(of: step).map { function in
                function.parameters.contains { $0.type.isFloat } || (function.result?.isFloat ?? false)
            } ?? false
            let next = wiring.chainedSuccessor(of: step.name).flatMap { byName[$0] }.map(returnsFloat) ?? false
            if own || next { requirements[step.name, default: StepRequirements()].passesFloats = true }
        }
    }
}

/// Turns a manifest into a placement against the current fleet: pins every step's package (and
/// its dependencies) in the registry, gathers the host capabilities each step needs, and runs
/// the solver over a snapshot of the inventory.
struct Planner: Sendable {
    let inventory: Inventory
    let registry: PackageRegistry
    /// Where placements run: off the concurrency pool, bounded, with a time limit.
    let workers: PlacementWorkers
    /// Most steps one manifest may have.
    let maxSteps: Int
    /// Unverified devices take work too (`--allow-unverified-devices`).
    let allowUnverified: Bool
    let metrics: ServerMetrics
    let descriptionFacts = DescriptionFacts()

    init(
        inventory: Inventory, registry: PackageRegistry, workers: PlacementWorkers, maxSteps: Int,
        allowUnverified: Bool = false, metrics: ServerMetrics
    ) {
        self.metrics = metrics
        self.inventory = inventory
        self.registry = registry
        self.workers = workers
        self.maxSteps = maxSteps
        self.allowUnverified = allowUnverified
    }

    /// The dry run of `POST /api/v1/plan`: nothing is stored.
    func plan(
        _ text: [UInt8], fileName: String, load: [DeviceID: Int] = [:], cancellation: PlacementCancellation? = nil
    ) async throws -> PlanResponse {
        let prepared = try await prepare(text, fileName: fileName)
        return PlanResponse(plan: try await place(prepared, load: load, cancellation: cancellation), pins: prepared.pins)
    }

    func prepare(_ text: [UInt8], fileName: String) async throws -> PreparedManifest {
        let manifest: DeploymentManifest
        do {
            // Parsing a large manifest takes a while: on a placement thread, with the same limits.
            manifest = try await workers.run { _ in try ManifestParser.parse(text, fileName: fileName) }
        } catch let error as ManifestError {
            throw DeploymentError.invalidManifest(error.description, problems: error.lines)
        }
        guard manifest.steps.count <= maxSteps else {
            throw DeploymentError.tooManySteps(
                "\(fileName): the manifest has \(manifest.steps.count) steps; a manifest may have at most \(maxSteps) (tide server --max-manifest-steps)")
        }
        let ranges = PackageVariants.ranges(of: manifest)
        var resolutions: [[String: RegistryEntry]] = []
        for requirements in PackageVariants.requirements(ranges) {
            let entries: [RegistryEntry]
            do {
                entries = try await registry.resolve(requirements)
            } catch {
                switch error {
                case .badRange(let message): throw DeploymentError.badRequest(message)
                case .unsatisfiable(let lines):
                    throw DeploymentError.unsatisfiable(lines)
                }
            }
            resolutions.append(Dictionary(entries.map { ($0.record.name, $0) }, uniquingKeysWith: { first, _ in first }))
        }
        let pinned = try PackageVariants.pin(manifest, ranges: ranges, resolutions: resolutions)

        var stepNeeds: [String: StepRequirements] = [:]
        var pins: [PlanResponse.Pin] = []
        for step in manifest.steps {
            guard let entry = pinned.entry(of: step) else {
                throw DeploymentError.internalFailure("resolution did not pin \(step.package)")
            }
            guard entry.package.manifest.function(named: step.function) != nil else {
                throw DeploymentError.invalidManifest(
                    "step \(step.name): \(step.package) \(entry.record.version) has no function \(step.function) (it has: \(entry.package.manifest.functions.map(\.name).joined(separator: ", ")))")
            }
            let needs = Set(pinned.closure(of: step).flatMap(\.record.hostCapabilities)).sorted()
            stepNeeds[step.name] = StepRequirements(capabilities: needs)
            pins.append(PlanResponse.Pin(
                step: step.name, package: step.package, version: entry.record.version, moduleDigest: entry.record.moduleDigest,
                needs: needs))
        }
        var prepared = PreparedManifest(
            manifest: manifest, source: String(decoding: text, as: UTF8.self), entries: pinned, pins: pins,
            requirements: stepNeeds)
        prepared.markStepsPassingFloats()
        try StepWiring.check(prepared)
        return prepared
    }

    /// Solves the placement. With `current`, steps whose device still qualifies stay where they are
    /// and only the others move. `excluded` devices just failed a push of this deployment: they
    /// take none of its steps (alive, they are not called dead);
    /// `draining` devices keep none of its steps (`tide device drain`);
    /// `load` is the number of steps of other deployments on each device.
    /// The solver runs on a placement thread (see `PlacementWorkers`) and stops when
    /// `cancellation` fires, after the plan time limit, or when the server stops.
    func place(
        _ prepared: PreparedManifest, current: PlacementPlan? = nil, excluded: Set<DeviceID> = [],
        draining: Set<DeviceID> = [], load: [DeviceID: Int], cancellation: PlacementCancellation? = nil
    ) async throws -> PlacementPlan {
        let started = ContinuousClock.now
        do {
            let plan = try await placeNow(
                prepared, current: current, excluded: excluded, draining: draining, load: load, cancellation: cancellation)
            metrics.placed(succeeded: true, took: ContinuousClock.now - started)
            return plan
        } catch {
            metrics.placed(succeeded: false, took: ContinuousClock.now - started)
            throw error
        }
    }

    private func placeNow(
        _ prepared: PreparedManifest, current: PlacementPlan?, excluded: Set<DeviceID>, draining: Set<DeviceID>,
        load: [DeviceID: Int], cancellation: PlacementCancellation?
    ) async throws -> PlacementPlan {
        let request = prepared.request
        let fleet = await snapshot(excluded: excluded, draining: draining, load: load)
        // Only needed when damping is what stands in the way, so only when a device is damped.
        let settled = fleet.undamped.count < fleet.count
            ? await snapshot(excluded: excluded, draining: draining, load: load, ignoringDamping: true) : fleet
        let outcome = try await workers.run(cancellation: cancellation) { cancellation in
            func solve(_ fleet: FleetIndex) throws(PlacementError) -> PlacementPlan {
                if let current { return try PlacementSolver().replan(request, fleet: fleet, current: current, cancellation: cancellation) }
                return try PlacementSolver().solve(request, fleet: fleet, cancellation: cancellation)
            }
            do throws(PlacementError) {
                return Result<PlacementPlan, PlacementError>.success(try solve(fleet))
            } catch {
                if case .cancelled = error { throw error }
                // Damping keeps new work off flapping devices, but a step is better on a flapping
                // device than on none: as a last resort, damped devices count as settled.
                if error.description.contains("damped") {
                    do throws(PlacementError) {
                        return .success(try solve(settled))
                    } catch {
                        if case .cancelled = error { throw error }
                    }
                }
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let plan): return plan
        case .failure(let error):
            throw DeploymentError.unplaceable(error.description)
        }
    }

    func snapshot(
        excluded: Set<DeviceID>, draining: Set<DeviceID> = [], load: [DeviceID: Int], ignoringDamping: Bool = false
    ) async -> FleetIndex {
        let now = Date()
        let fleet = await inventory.list().map { device in
            let facts = descriptionFacts.facts(of: device)
            var entry = FleetDevice(
                device: device, imports: facts.imports, supervisor: facts.supervisor, placedSteps: load[device.id] ?? 0,
                damped: !ignoringDamping && device.isDamped(at: now), verified: allowUnverified ? true : nil)
            if excluded.contains(device.id) { entry.refusedPush = true }
            if draining.contains(device.id) { entry.draining = true }
            return entry
        }
        return FleetIndex(FleetSnapshot(devices: fleet))
    }
}
