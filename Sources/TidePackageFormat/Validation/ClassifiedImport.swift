import TideWasm

/// One import of a package's module and who provides it.
public struct ClassifiedImport: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Who satisfies an import. Encoded as `"wasi"`, `"host"` or `"dependency:<package>"`.
    public enum Provider: Sendable, Hashable, Codable, CustomStringConvertible {
        /// `wasi_snapshot_preview1`, provided by every Tide runtime.
        case wasi
        /// An export of a declared dependency.
        case dependency(String)
        /// A capability the device must offer.
        case host

        public var description: String {
            switch self {
            case .wasi: "wasi"
            case .host: "host"
            case .dependency(let name): "dependency:\(name)"
            }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            switch text {
            case "wasi": self = .wasi
            case "host": self = .host
            case _ where text.hasPrefix("dependency:") && text.count > "dependency:".count:
                self = .dependency(String(text.dropFirst("dependency:".count)))
            default:
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "\"\(text)\" is not wasi, host or dependency:<package>")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }

    public static let wasiModuleName = "wasi_snapshot_preview1"

    public var module: String
    public var name: String
    public var kind: EntityKind
    /// The type of an imported function, nil for other kinds.
    public var signature: CodableSignature?
    public var provider: Provider

    public init(module: String, name: String, kind: EntityKind, signature: FunctionSignature?, provider: Provider) {
        self.module = module
        self.name = name
        self.kind = kind
        self.signature = signature.map(CodableSignature.init)
        self.provider = provider
    }

    /// Classifies `wasmImport` given the names of the package's dependencies.
    public init(_ wasmImport: WasmImport, dependencies: Set<String>) {
        let provider: Provider =
            if wasmImport.module == Self.wasiModuleName { .wasi }
            else if dependencies.contains(wasmImport.module) { .dependency(wasmImport.module) }
            else { .host }
        self.init(
            module: wasmImport.module, name: wasmImport.name, kind: EntityKind(wasmImport.kind),
            signature: wasmImport.functionSignature, provider: provider)
    }

    /// `module.name`, the capability name of a host import.
    public var qualifiedName: String { "\(module).\(name)" }

    /// e.g. `host function sensor.read_temperature (func (result f32))`, `host memory env.memory`.
    public var description: String {
        let type = signature.map { " \($0)" } ?? ""
        return "\(provider) \(kind.rawValue) \(qualifiedName)\(type)"
    }
}
