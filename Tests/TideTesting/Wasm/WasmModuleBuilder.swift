import TideWasm

/// Small Wasm modules built fluently: types, imports, functions with `unreachable` bodies, memory, exports.
struct WasmModuleBuilder {
    enum ImportKind {
        case function(FunctionSignature)
        case memory(minimum: UInt32)
        case table(minimum: UInt32)
        case global(ValueType, mutable: Bool)
    }

    private var types: [FunctionSignature] = []
    private var imports: [(module: String, name: String, kind: ImportKind)] = []
    private var functions: [(typeIndex: Int, export: String?)] = []
    private var memory: (minimum: UInt32, export: String?)?

    func importFunction(_ module: String, _ name: String, _ signature: FunctionSignature) -> Self {
        var copy = self
        copy.imports.append((module, name, .function(signature)))
        return copy
    }

    func importEntity(_ module: String, _ name: String, _ kind: ImportKind) -> Self {
        var copy = self
        copy.imports.append((module, name, kind))
        return copy
    }

    /// Defines a function and exports it under `name` (nil: not exported).
    func function(_ name: String?, _ signature: FunctionSignature) -> Self {
        var copy = self
        copy.functions.append((copy.typeIndex(signature), name))
        return copy
    }

    func memory(exportedAs name: String? = "memory", minimum: UInt32 = 1) -> Self {
        var copy = self
        copy.memory = (minimum, name)
        return copy
    }

    /// The module, encoded with `Wasm`'s section encoders.
    var bytes: [UInt8] {
        var allTypes = types
        func index(of signature: FunctionSignature) -> UInt32 {
            if let found = allTypes.firstIndex(of: signature) { return UInt32(found) }
            allTypes.append(signature)
            return UInt32(allTypes.count - 1)
        }
        var importEntries: [[UInt8]] = []
        var importedFunctions = 0
        for entry in imports {
            let descriptor: [UInt8]
            switch entry.kind {
            case .function(let signature):
                descriptor = Wasm.importFunction(index(of: signature))
                importedFunctions += 1
            case .memory(let minimum): descriptor = Wasm.importMemory(Wasm.limits(minimum))
            case .table(let minimum): descriptor = Wasm.importTable(.funcref, Wasm.limits(minimum))
            case .global(let type, let mutable): descriptor = Wasm.importGlobal(type, mutable: mutable)
            }
            importEntries.append(Wasm.importEntry(entry.module, entry.name, descriptor))
        }
        var module = Wasm.header + Wasm.typeSection(allTypes.map { Wasm.funcType($0.parameters, $0.results) })
        if !importEntries.isEmpty { module += Wasm.importSection(importEntries) }
        if !functions.isEmpty { module += Wasm.functionSection(functions.map { UInt32($0.typeIndex) }) }
        if let memory { module += Wasm.memorySection([Wasm.limits(memory.minimum)]) }
        var exports: [[UInt8]] = []
        for (offset, function) in functions.enumerated() {
            if let exportName = function.export {
                exports.append(Wasm.exportEntry(exportName, .function, UInt32(importedFunctions + offset)))
            }
        }
        if let exportName = memory?.export { exports.append(Wasm.exportEntry(exportName, .memory, 0)) }
        if !exports.isEmpty { module += Wasm.exportSection(exports) }
        // Bodies are `unreachable`, valid for any signature.
        if !functions.isEmpty { module += Wasm.section(.code, Wasm.vector(Array(repeating: [0x03, 0x00, 0x00, 0x0B], count: functions.count))) }
        return module
    }

    private mutating func typeIndex(_ signature: FunctionSignature) -> Int {
        if let found = types.firstIndex(of: signature) { return found }
        types.append(signature)
        return types.count - 1
    }
}

/// `(param ...) (result ...)` shorthand.
func sig(_ parameters: [ValueType] = [], _ results: [ValueType] = []) -> FunctionSignature {
    FunctionSignature(parameters: parameters, results: results)
}
