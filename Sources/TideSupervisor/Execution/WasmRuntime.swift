import Logging
import WasmKit
import WasmKitWASI

/// The embedded WasmKit engine (eagerly compiled, fuel-metered), the device's host modules and
/// the limits every module instance gets.
public final class WasmRuntime: Sendable {
    public static let runtimeName = "WasmKit"
    public static let runtimeVersion = "0.4.2"
    public static let wasiModuleName = "wasi_snapshot_preview1"

    let engine: Engine
    public let hostModules: [any HostModule]
    public let limits: ExecutionLimits
    /// The WASI preview 1 functions WasmKitWASI implements, by bare name.
    public let wasiFunctions: [String]
    let logger: Logger

    public init(hostModules: [any HostModule], limits: ExecutionLimits, logger: Logger) {
        engine = Engine(configuration: EngineConfiguration(compilationMode: .eager, fuelMetering: limits.fuelPerCall != nil))
        self.hostModules = hostModules
        self.limits = limits
        self.logger = logger
        wasiFunctions = Self.listWASIFunctions()
    }

    /// `sensor.read_temperature`, ... for every host function offered.
    public var hostImports: [String] { hostModules.flatMap(\.qualifiedNames).sorted() }

    /// Bare names as wasmiot's `supervisorInterfaces` lists them: host functions, then WASI.
    public var supervisorInterfaces: [String] {
        hostModules.flatMap { module in module.functions.map(\.name) }.sorted() + wasiFunctions
    }

    /// Parses and validates a binary.
    public func parse(_ bytes: [UInt8], module name: String) throws(SupervisorError) -> Module {
        do {
            return try parseWasm(bytes: bytes)
        } catch {
            throw .deployFailed("module \(name) is not a valid WebAssembly binary: \(Self.firstLine(error))")
        }
    }

    private static func listWASIFunctions() -> [String] {
        guard let bridge = try? WASIBridgeToHost() else { return [] }
        defer { try? bridge.close() }
        return bridge.hostFunctions(capabilities: WASICapability.all, stubUnlinked: false).keys.sorted()
    }

    static func firstLine(_ error: any Error) -> String {
        let text = String(describing: error)
        let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
        return String(line.prefix(300))
    }
}
