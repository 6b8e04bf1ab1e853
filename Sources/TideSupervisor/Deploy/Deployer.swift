import Foundation
import Logging
import TideLiquid
import TideModel
import TideSigning

/// Installs, replaces, restores and removes deployments. A new deployment is downloaded,
/// verified and instantiated completely before it replaces one with the same id; a failure
/// leaves the running one untouched and installs nothing.
public actor Deployer {
    private let runtime: WasmRuntime
    private let directory: DataDirectory
    private let cache: BlobCache
    private let store: DeploymentStore
    private let fetcher: BlobFetcher
    private let logger: Logger
    private let nodeLimits: DeploymentNodeLimits
    /// Publisher keys this device trusts, and which packages must be signed.
    private let keys: PublisherKeyTrust
    private var signatures: SignaturePolicy { keys.policy }
    private var deployments: [String: RunningDeployment] = [:]
    /// What a state carried into a new generation may hold (`--max-snapshot-bytes`).
    private let snapshotLimits: SnapshotLimits

    init(
        runtime: WasmRuntime, directory: DataDirectory, fetcher: BlobFetcher, nodeLimits: DeploymentNodeLimits = .init(),
        signatures: SignaturePolicy = SignaturePolicy(trusted: [], requiredPrefixes: []), keys: PublisherKeyTrust? = nil,
        snapshotLimits: SnapshotLimits = .default, logger: Logger
    ) {
        self.snapshotLimits = snapshotLimits
        self.runtime = runtime
        self.keys = keys ?? PublisherKeyTrust(local: signatures)
        self.nodeLimits = nodeLimits
        self.directory = directory
        self.cache = fetcher.cache
        self.store = DeploymentStore(directory: directory)
        self.fetcher = fetcher
        self.logger = logger
    }

    public func deployment(_ id: String) -> RunningDeployment? { deployments[id] }

    /// What is installed, for the metrics' gauges.
    struct Installed: Sendable {
        var deployments = 0
        var instances = 0
        var linearMemoryBytes = 0
    }

    var installed: Installed {
        var installed = Installed(deployments: deployments.count)
        for deployment in deployments.values {
            installed.instances += deployment.modules.count
            for instance in deployment.modules.values { installed.linearMemoryBytes += instance.linearMemoryBytes }
        }
        return installed
    }

    public var states: [DeploymentState] {
        deployments.values.map { DeploymentState(id: $0.id, generation: $0.generation) }.sorted { $0.id < $1.id }
    }

    /// Installs the node in `body` (JSON), replacing a deployment of the same id once ready. The
    /// node's limits are checked before anything is downloaded.
    public func deploy(json body: [UInt8]) async throws(SupervisorError) -> DeploymentState {
        let node: DeploymentNode
        do {
            node = try DeploymentNode.decode(body, limits: nodeLimits)
        } catch {
            throw SupervisorError(error.kind == .tooLarge ? .tooLarge : .badRequest, error.message)
        }
        try signatures.check(node)
        let plan = try DeploymentPlan(node)
        if let current = deployments[plan.id], current.generation > plan.generation {
            throw SupervisorError(
                .conflict, "deployment \(plan.id) is at generation \(current.generation), newer than \(plan.generation)")
        }
        var digests: DeploymentStore.Digests = [:]
        for module in plan.modules {
            let runtime = self.runtime
            let name = module.name
            let binary = try await fetcher.fetch(
                module.binaryURL, expected: module.binarySHA256, what: "the binary of module \(module.name)"
            ) { bytes throws(SupervisorError) in _ = try runtime.parse(bytes, module: name) }
            var other: [String: String] = [:]
            for file in module.files {
                other[file.mount] = try await fetcher.fetch(
                    file.url, expected: file.sha256, what: "file \(file.mount) of module \(module.name)")
            }
            digests[module.name] = DeploymentNode.Digests(binary: binary, other: other)
        }
        let deployment = try install(plan: plan, digests: digests)
        if let current = deployments[plan.id] { await carryState(from: current, to: deployment, modules: node.stateful ?? []) }
        try store.save(id: plan.id, nodeJSON: body, digests: digests)
        // The previous deployment's files go when its last running call ends.
        deployments[plan.id] = deployment
        logger.info("deployed \(plan.id) generation \(plan.generation): \(plan.modules.map(\.name).joined(separator: ", "))")
        return plan.state
    }

    /// A new generation of a deployment: each stateful module that did not change (same digest)
    /// starts with its old instance's state, taken between two calls. A state that cannot be
    /// carried is logged and the module starts empty, as every other module does.
    private func carryState(from current: RunningDeployment, to next: RunningDeployment, modules: [String]) async {
        for name in modules {
            guard let digest = next.moduleDigests[name], current.moduleDigests[name] == digest,
                let old = current.modules[name], let new = next.modules[name]
            else { continue }
            do throws(SnapshotError) {
                try await new.restore(try await old.snapshot(moduleDigest: digest, limits: snapshotLimits), moduleDigest: digest)
            } catch {
                logger.warning("module \(name) of \(next.id) starts empty in generation \(next.generation): \(error)")
            }
        }
    }

    /// Removes the deployment, its instances and its files. False when there was none.
    public func remove(_ id: String) -> Bool {
        guard SafeName.isValid(id) else { return false }
        // Only a Bool is kept, so the instances are freed here unless a call still runs.
        let removed = deployments.removeValue(forKey: id) != nil
        let stored = store.storedIDs().contains(id)
        store.remove(id: id)
        HeapTrim.releaseFreePages()
        if removed { logger.info("removed deployment \(id)") }
        return removed || stored
    }

    /// Rebuilds the deployments persisted in the data directory; a broken one is logged and skipped.
    public func restore() -> Int {
        for id in store.storedIDs() {
            do {
                let stored = try store.load(id: id)
                // The trusted keys may have changed since it was deployed.
                try signatures.check(stored.node)
                let plan = try DeploymentPlan(stored.node)
                clearInstances(of: id)
                deployments[id] = try install(plan: plan, digests: stored.digests)
            } catch {
                logger.error("cannot restore deployment \(id): \(error.message)")
            }
        }
        if !deployments.isEmpty { logger.notice("restored \(deployments.count) deployments from \(directory.root)") }
        return deployments.count
    }

    private func install(plan: DeploymentPlan, digests: DeploymentStore.Digests) throws(SupervisorError) -> RunningDeployment {
        let instanceDirectory = directory.instanceDirectory(
            deployment: plan.id, instance: "i-" + UUID().uuidString.lowercased().prefix(8))
        do {
            return try RunningDeployment.build(
                plan: plan, digests: digests, cache: cache, runtime: runtime, instanceDirectory: instanceDirectory)
        } catch {
            if deployments[plan.id] == nil, !store.storedIDs().contains(plan.id) {
                DataDirectory.remove(directory.deploymentDirectory(plan.id))
            }
            throw error
        }
    }

    /// Instance directories left by a previous run.
    private func clearInstances(of id: String) {
        let root = directory.deploymentDirectory(id)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where name.hasPrefix("i-") {
            DataDirectory.remove(root + "/" + name)
        }
    }
}
