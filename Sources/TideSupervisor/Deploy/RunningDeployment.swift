import Foundation
import TidePackageFormat
import WasmKit

/// An installed deployment: its plan, one ready instance per module, and the directory that holds
/// each module's files.
public final class RunningDeployment: Sendable {
    public let plan: DeploymentPlan
    public let modules: [String: ModuleInstance]
    /// Each module's SHA-256: a snapshot restores only into the module it was taken from.
    public let moduleDigests: [String: BlobDigest]
    /// `deployments/<id>/<instance>`; removed once neither this deployment nor a running call uses it.
    let directory: InstanceDirectory

    init(plan: DeploymentPlan, modules: [String: ModuleInstance], moduleDigests: [String: BlobDigest], directory: InstanceDirectory) {
        self.plan = plan
        self.modules = modules
        self.moduleDigests = moduleDigests
        self.directory = directory
    }

    public var id: String { plan.id }
    public var generation: Int { plan.generation }

    /// The module and function a request names, checked against the deployment: the module is
    /// deployed, and the function is one the node declares an endpoint for (or, when it declares
    /// none for the module, any export other than the ABI's own).
    public func target(module: String, function: String) throws(SupervisorError) -> (ModuleInstance, CallSignature) {
        guard let instance = modules[module] else {
            throw .notFound("deployment \(id) has no module \(module)")
        }
        let declared = plan.node.endpoints?[module]
        if let declared, !declared.isEmpty, declared[function] == nil {
            throw .notFound("deployment \(id) has no function \(module)/\(function)")
        }
        guard !["alloc", "_initialize", "_start"].contains(function), let type = instance.exports[function] else {
            throw .notFound("deployment \(id) has no function \(module)/\(function)")
        }
        return (instance, try CallSignature(function: function, type: type, endpoint: declared?[function]))
    }

    /// Builds every module from the blob cache into `instanceDirectory`; nothing is shared with a
    /// deployment of the same id that may be running.
    static func build(
        plan: DeploymentPlan, digests: DeploymentStore.Digests, cache: BlobCache, runtime: WasmRuntime,
        instanceDirectory: String
    ) throws(SupervisorError) -> RunningDeployment {
        let lease = try InstanceDirectory(path: instanceDirectory)
        var parsed: [String: Module] = [:]
        var dependencies: [String: [String]] = [:]
        for module in plan.modules {
            guard let binary = digests[module.name]?.binary else {
                throw .internalFailure("no binary digest for module \(module.name)")
            }
            parsed[module.name] = try runtime.parse(try cache.load(binary), module: module.name)
            dependencies[module.name] = module.dependencies
            let directory = instanceDirectory + "/" + module.name
            try DataDirectory.create(directory)
            for file in module.files {
                guard let digest = digests[module.name]?.other[file.mount] else { continue }
                try ContainedPath(directory: directory, name: file.mount).write(try cache.load(digest))
            }
        }
        var instances: [String: ModuleInstance] = [:]
        var moduleDigests: [String: BlobDigest] = [:]
        for module in plan.modules {
            if let binary = digests[module.name]?.binary { moduleDigests[module.name] = BlobDigest(binary) }
            let instance = try ModuleInstance(
                name: module.name, modules: parsed, dependencies: dependencies, runtime: runtime,
                filesDirectory: instanceDirectory + "/" + module.name, directoryLease: lease,
                packageFiles: Set(module.files.map(\.mount)))
            instances[module.name] = instance
        }
        let deployment = RunningDeployment(plan: plan, modules: instances, moduleDigests: moduleDigests, directory: lease)
        for (module, functions) in plan.node.endpoints ?? [:] {
            for function in functions.keys {
                guard let type = instances[module]?.exports[function] else {
                    throw .deployFailed("module \(module) does not export \(function), which the endpoints name")
                }
                _ = try CallSignature(function: "\(module)/\(function)", type: type, endpoint: functions[function])
            }
        }
        return deployment
    }
}
