import WasmKit
import WasmKitWASI

/// Resolves a module's imports: host modules the device offers, WASI, and the exports of the
/// deployment's other modules it depends on (instantiated first, in the same store).
struct Linker {
    let store: Store
    let modules: [String: Module]
    let dependencies: [String: [String]]
    let runtime: WasmRuntime
    let filesDirectory: String?
    private(set) var bridges: [WASIBridgeToHost] = []
    private var instances: [String: Instance] = [:]

    init(store: Store, modules: [String: Module], dependencies: [String: [String]], runtime: WasmRuntime, filesDirectory: String?) {
        self.store = store
        self.modules = modules
        self.dependencies = dependencies
        self.runtime = runtime
        self.filesDirectory = filesDirectory
    }

    mutating func instantiate(_ name: String) throws(SupervisorError) -> Instance {
        if let existing = instances[name] { return existing }
        guard let module = modules[name] else { throw .deployFailed("module \(name) is not part of the deployment") }
        let linked = dependencies[name] ?? []
        var imports = Imports()
        for dependency in linked {
            let instance = try instantiate(dependency)
            imports.define(module: dependency, instance.exports)
        }
        let importedModules = Set(module.imports.map(\.module))
        for host in runtime.hostModules where importedModules.contains(host.name) {
            for function in host.functions {
                imports.define(
                    module: host.name, name: function.name, Function(store: store, type: function.type, body: function.body))
            }
        }
        try checkImports(of: module, name: name, linked: Set(linked))
        if importedModules.contains(WasmRuntime.wasiModuleName) {
            let bridge: WASIBridgeToHost
            do {
                let preopens = filesDirectory.map { [WASIBridgeToHost.Preopen(guestPath: "/", hostPath: $0)] } ?? []
                bridge = try WASIBridgeToHost(args: [name], environment: [:], preopens: preopens)
            } catch {
                throw .deployFailed("cannot set up WASI for module \(name): \(WasmRuntime.firstLine(error))")
            }
            bridges.append(bridge)
            bridge.link(to: &imports, store: store)
        }
        let instance: Instance
        do {
            if let fuel = runtime.limits.fuelPerCall { store.fuel = Fuel(remaining: fuel) }
            instance = try module.instantiate(store: store, imports: imports)
            if let initialize = instance.exports[function: "_initialize"] { _ = try initialize() }
        } catch {
            throw .deployFailed("module \(name) cannot be instantiated: \(WasmRuntime.firstLine(error))")
        }
        instances[name] = instance
        return instance
    }

    func closeBridges() {
        for bridge in bridges { try? bridge.close() }
    }

    /// A readable error for the first import nothing provides, before WasmKit's own.
    private func checkImports(of module: Module, name: String, linked: Set<String>) throws(SupervisorError) {
        let offered = Set(runtime.hostImports)
        for entry in module.imports {
            if entry.module == WasmRuntime.wasiModuleName || linked.contains(entry.module) { continue }
            let qualified = entry.module + "." + entry.name
            if offered.contains(qualified) { continue }
            if modules[entry.module] != nil {
                throw .deployFailed(
                    "module \(name) imports \(qualified) but does not list \(entry.module) in its dependencies")
            }
            throw .deployFailed("module \(name) needs host function \(qualified), which this device does not offer")
        }
    }
}
