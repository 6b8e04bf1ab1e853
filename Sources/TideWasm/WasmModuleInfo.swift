/// What a module declares: its function types, imports, defined functions and memories,
/// exports (functions resolved to signatures), start function, and the layout of its sections.
public struct WasmModuleInfo: Sendable, Hashable {
    public var version: UInt32
    public var types: [FunctionSignature]
    public var imports: [WasmImport]
    /// The type index of each function the module defines, in function section order.
    public var functionTypeIndices: [UInt32]
    /// The memories the module defines (imported ones are in ``imports``).
    public var memories: [MemoryType]
    public var exports: [WasmExport]
    public var startFunctionIndex: UInt32?
    /// Every section in binary order, including the ones skipped without parsing.
    public var sections: [SectionRecord]

    public init(
        version: UInt32 = 1,
        types: [FunctionSignature] = [],
        imports: [WasmImport] = [],
        functionTypeIndices: [UInt32] = [],
        memories: [MemoryType] = [],
        exports: [WasmExport] = [],
        startFunctionIndex: UInt32? = nil,
        sections: [SectionRecord] = []
    ) {
        self.version = version
        self.types = types
        self.imports = imports
        self.functionTypeIndices = functionTypeIndices
        self.memories = memories
        self.exports = exports
        self.startFunctionIndex = startFunctionIndex
        self.sections = sections
    }
}

extension WasmModuleInfo {
    public var importedFunctions: [WasmImport] {
        imports.filter { $0.kind == .function }
    }

    /// Imports grouped by module name (e.g. `env`, `wasi_snapshot_preview1`), in import order.
    public var requiredImports: [String: [WasmImport]] {
        Dictionary(grouping: imports, by: \.module)
    }

    /// The module names imported from, in order of first appearance.
    public var importModuleNames: [String] {
        var seen = Set<String>()
        return imports.map(\.module).filter { seen.insert($0).inserted }
    }

    public var exportsByName: [String: WasmExport] {
        Dictionary(exports.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func export(named name: String) -> WasmExport? {
        exports.first { $0.name == name }
    }

    public var functionExports: [WasmExport] {
        exports.filter { $0.kind == .function }
    }

    /// The signature of an exported function, nil if there is no function export with that name.
    public func exportedFunctionSignature(named name: String) -> FunctionSignature? {
        export(named: name)?.functionSignature
    }

    public var importedFunctionCount: Int {
        imports.reduce(0) { $1.kind == .function ? $0 + 1 : $0 }
    }

    /// Imported plus defined functions.
    public var functionCount: Int { importedFunctionCount + functionTypeIndices.count }

    /// The signature of a function in the function index space, where imported functions come first.
    public func signature(ofFunction index: UInt32) -> FunctionSignature? {
        let index = index.saturatingInt
        let imported = importedFunctions
        if index < imported.count { return imported[index].functionSignature }
        let definedIndex = index - imported.count
        guard definedIndex < functionTypeIndices.count else { return nil }
        let typeIndex = functionTypeIndices[definedIndex].saturatingInt
        return typeIndex < types.count ? types[typeIndex] : nil
    }

    /// The names of the custom sections, in binary order (e.g. `name`, `producers`).
    public var customSectionNames: [String] {
        sections.compactMap(\.customName)
    }

    public func sections(withID id: SectionID) -> [SectionRecord] {
        sections.filter { $0.id == id }
    }
}
