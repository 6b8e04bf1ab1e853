import Foundation
import TideModel
import TidePackageFormat

/// Builds each device's share of a deployment. Step modules are named after their steps (so two
/// steps of one package on one device never collide), dependency modules after their packages
/// (the names their importers use).
struct NodeBuilder: Sendable {
    let deployment: Deployment
    let entries: PinnedPackages
    /// Where each placed device is reached.
    let addresses: [DeviceID: DeviceEndpoint]
    /// The orchestrator's base URL as devices reach it.
    let publicURL: String
    /// Its plain-HTTP listener for devices without a certificate (`--plain-http-port`), if any:
    /// their module URLs point there.
    let plainURL: String?
    /// Lookups by step name, built once: a deployment may have 10,000 steps.
    private let devices: [String: DeviceID]
    private let manifestSteps: [String: ManifestStep]
    private let wiring: StepWiring

    init(
        deployment: Deployment, entries: PinnedPackages, addresses: [DeviceID: DeviceEndpoint], publicURL: String,
        plainURL: String? = nil
    ) {
        self.deployment = deployment
        self.entries = entries
        self.addresses = addresses
        self.publicURL = publicURL
        self.plainURL = plainURL
        devices = Dictionary(deployment.steps.compactMap { step in step.device.map { (step.step, $0) } }) { first, _ in first }
        manifestSteps = Dictionary(deployment.manifest.steps.map { ($0.name, $0) }) { first, _ in first }
        wiring = StepWiring(manifest: deployment.manifest)
    }

    /// The manifest's step of that name.
    func manifestStep(named name: String) -> ManifestStep? { manifestSteps[name] }

    /// Every device's node, by device.
    func nodes() throws(DeploymentError) -> [DeviceID: DeploymentNode] {
        var byDevice: [DeviceID: [ManifestStep]] = [:]
        for step in deployment.manifest.steps {
            guard let device = devices[step.name] else {
                throw DeploymentError.internalFailure("step \(step.name) of \(deployment.name) has no device")
            }
            byDevice[device, default: []].append(step)
        }
        var result: [DeviceID: DeploymentNode] = [:]
        for (device, steps) in byDevice {
            let plain = addresses[device].map { !$0.secure } ?? false
            result[device] = try node(steps, base: plain ? plainURL ?? publicURL : publicURL)
        }
        return result
    }

    /// The endpoint of `step` on its device.
    func endpoint(of step: ManifestStep) throws(DeploymentError) -> DeploymentNode.Endpoint {
        guard let device = devices[step.name], let address = addresses[device] else {
            throw DeploymentError.internalFailure("step \(step.name) of \(deployment.name) has no reachable device")
        }
        guard let function = entries.entry(of: step)?.package.manifest.function(named: step.function) else {
            throw DeploymentError.internalFailure("\(step.package) has no function \(step.function)")
        }
        let parameters = function.parameters.enumerated().map { index, parameter in
            DeploymentNode.Endpoint.Parameter(
                name: "param\(index)", description: parameter.name, schema: WasmiotModuleRoutes.schema(parameter.type.rawValue))
        }
        let bytes = function.result == .bytes
        return DeploymentNode.Endpoint(
            url: address.baseURL, path: "/\(deployment.name)/modules/\(step.name)/\(step.function)",
            method: function.method.rawValue, request: .init(parameters: parameters),
            response: .init(
                media_type: bytes ? "application/octet-stream" : "application/json",
                schema: function.result.map { WasmiotModuleRoutes.schema($0.rawValue) } ?? .null))
    }

    private func node(_ steps: [ManifestStep], base: String) throws(DeploymentError) -> DeploymentNode {
        var modules: [DeploymentNode.ModuleEntry] = []
        var moduleNames: [String: String] = [:]  // module name -> package
        var endpoints: [String: [String: DeploymentNode.Endpoint]] = [:]
        var instructions: [String: [String: DeploymentNode.Instruction]] = [:]
        var mounts: [String: [String: DeploymentNode.MountStages]] = [:]

        func add(module name: String, _ entry: RegistryEntry?, package: String) throws(DeploymentError) {
            if let existing = moduleNames[name] {
                guard existing == package else {
                    throw DeploymentError.invalidManifest("step \(name) has the name of the package \(name) another step depends on; rename the step")
                }
                return
            }
            guard let entry else { throw DeploymentError.internalFailure("\(package) is not pinned") }
            moduleNames[name] = package
            modules.append(module(name, entry, base: base))
            for dependency in entry.record.dependencies.keys.sorted() {
                try add(module: dependency, entries.imported(dependency), package: dependency)
            }
        }

        for step in steps {
            try add(module: step.name, entries.entry(of: step), package: step.package)
            let endpoint = try endpoint(of: step)
            endpoints[step.name] = [step.function: endpoint]
            let next = try wiring.chainedSuccessor(of: step.name).flatMap { name throws(DeploymentError) in
                try manifestSteps[name].map { step throws(DeploymentError) in try self.endpoint(of: step) }
            }
            instructions[step.name] = [step.function: .init(from: nil, to: next)]
            let files = entries.entry(of: step)?.files.filter { $0.role == "data" }.map(\.file).sorted() ?? []
            mounts[step.name] = [step.function: .init(deployment: files.map { DeploymentNode.Mount(path: $0) })]
        }
        let stateful = steps.filter { $0.state != nil }.map(\.name).sorted()
        return DeploymentNode(
            deploymentId: deployment.name, generation: Int(deployment.generation), modules: modules, endpoints: endpoints,
            instructions: .init(modules: instructions), mounts: mounts, stateful: stateful.isEmpty ? nil : stateful)
    }

    private func module(_ name: String, _ entry: RegistryEntry, base orchestrator: String) -> DeploymentNode.ModuleEntry {
        let id = "\(entry.record.name)@\(entry.record.version)"
        let base = "\(orchestrator)/file/module/\(id)"
        let data = entry.files.filter { $0.role == "data" }
        return DeploymentNode.ModuleEntry(
            id: id, name: name,
            urls: .init(
                binary: base + "/wasm", description: base + "/description",
                other: Dictionary(data.map { ($0.file, base + "/" + $0.file) }) { first, _ in first }),
            sha256: .init(
                binary: entry.record.moduleDigest,
                other: Dictionary(data.map { ($0.file, $0.digest) }) { first, _ in first }),
            dependencies: entry.record.dependencies.keys.sorted(), signing: entry.signing)
    }

    /// The node's encoding and the digest that tells whether a device already has it (computed
    /// without the generation, which changes with every push).
    static func encode(_ node: DeploymentNode) throws(DeploymentError) -> EncodedNode {
        do {
            let encoder = TideJSON.encoder()
            var unnumbered = node
            unnumbered.generation = 0
            let digest = BlobDigest(of: try encoder.encode(unnumbered)).hex
            return EncodedNode(body: Array(try encoder.encode(node)), digest: digest)
        } catch {
            throw DeploymentError.internalFailure("cannot encode the node for \(node.deploymentId): \(error)")
        }
    }
}
