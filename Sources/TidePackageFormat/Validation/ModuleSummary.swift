import TideWasm

/// What the registry keeps of an inspected module besides the module itself.
public struct ModuleSummary: Sendable, Hashable, Codable {
    public struct Export: Sendable, Hashable, Codable {
        public var name: String
        public var kind: EntityKind
        public var signature: CodableSignature?

        public init(name: String, kind: EntityKind, signature: FunctionSignature?) {
            self.name = name
            self.kind = kind
            self.signature = signature.map(CodableSignature.init)
        }
    }

    public var path: String
    public var size: Int
    public var exports: [Export]
    public var importCount: Int
    public var definedFunctionCount: Int
    public var customSections: [String]

    public init(path: String, size: Int, info: WasmModuleInfo) {
        self.path = path
        self.size = size
        self.exports = info.exports.map {
            Export(name: $0.name, kind: EntityKind($0.kind), signature: $0.functionSignature)
        }
        self.importCount = info.imports.count
        self.definedFunctionCount = info.functionTypeIndices.count
        self.customSections = info.customSectionNames
    }

    /// Exported functions by name, as a dependency lookup wants them.
    public var functionExports: [String: FunctionSignature] {
        var result: [String: FunctionSignature] = [:]
        for export in exports {
            if let signature = export.signature { result[export.name] = signature.signature }
        }
        return result
    }
}
