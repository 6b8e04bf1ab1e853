/// `GET /.well-known/wasmiot-device-description`: wasmiot's fields plus Tide's under `tide`.
public struct DescriptionDocument: Sendable, Codable, Equatable {
    public struct Platform: Sendable, Codable, Equatable {
        public struct Memory: Sendable, Codable, Equatable { public var bytes: UInt64 }
        public struct CPU: Sendable, Codable, Equatable {
            public struct Clock: Sendable, Codable, Equatable { public var Hz: UInt64 }
            public var humanReadableName: String
            public var clockSpeed: Clock
        }
        public var memory: Memory
        public var cpu: CPU
    }

    public struct Tide: Sendable, Codable, Equatable {
        public struct Peripheral: Sendable, Codable, Equatable {
            public var name: String
            public var kind: String
            public var simulated: Bool
        }
        public struct CPU: Sendable, Codable, Equatable {
            public var name: String
            public var clockHz: UInt64
            public var cores: Int
        }
        public struct Runtime: Sendable, Codable, Equatable {
            public var name: String
            public var version: String
        }
        public var id: String
        public var name: String
        public var arch: String
        public var labels: [String: String]
        public var peripherals: [Peripheral]
        /// Every function a module can import here, qualified: host functions
        /// (`sensor.read_temperature`), then WASI (`wasi_snapshot_preview1.fd_write`).
        public var imports: [String]
        public var memoryBytes: UInt64
        public var cpu: CPU
        public var runtime: Runtime
        public var supervisorVersion: String
        public var deployments: [DeploymentState]
    }

    public var platform: Platform
    public var supervisorInterfaces: [String]
    public var tide: Tide

    public static let supervisorVersion = "0.1.0"

    public init(
        id: String, name: String, profile: DeviceProfile, facts: PlatformFacts, runtime: WasmRuntime,
        deployments: [DeploymentState], cores: Int
    ) {
        platform = Platform(
            memory: .init(bytes: facts.memoryBytes),
            cpu: .init(humanReadableName: facts.cpuName, clockSpeed: .init(Hz: facts.cpuClockHz)))
        supervisorInterfaces = runtime.supervisorInterfaces
        tide = Tide(
            id: id, name: name, arch: facts.arch, labels: profile.labels,
            peripherals: profile.peripherals.map { .init(name: $0.name, kind: $0.kind.rawValue, simulated: $0.simulated) },
            imports: runtime.hostImports + runtime.wasiFunctions.map { WasmRuntime.wasiModuleName + "." + $0 },
            memoryBytes: facts.memoryBytes,
            cpu: .init(name: facts.cpuName, clockHz: facts.cpuClockHz, cores: cores),
            runtime: .init(name: WasmRuntime.runtimeName, version: WasmRuntime.runtimeVersion),
            supervisorVersion: Self.supervisorVersion, deployments: deployments)
    }
}
