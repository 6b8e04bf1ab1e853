import TideWasm

/// Hand-encodes small Wasm modules, built fluently: types, imports, functions with `unreachable` bodies, memory, exports.
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

    var bytes: [UInt8] {
        var module: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        var allTypes = types
        func index(of signature: FunctionSignature) -> Int {
            if let found = allTypes.firstIndex(of: signature) { return found }
            allTypes.append(signature)
            return allTypes.count - 1
        }
        var importBytes: [UInt8] = []
        var importedFunctions = 0
        for entry in imports {
            importBytes += name(entry.module) + name(entry.name)
            switch entry.kind {
            case .function(let signature):
                importBytes += [0x00] + uleb(UInt32(index(of: signature)))
                importedFunctions += 1
            case .memory(let minimum):
                importBytes += [0x02, 0x00] + uleb(minimum)
            case .table(let minimum):
                importBytes += [0x01, 0x70, 0x00] + uleb(minimum)
            case .global(let type, let mutable):
                importBytes += [0x03, type.rawValue, mutable ? 1 : 0]
            }
        }
        var typeBytes: [UInt8] = []
        for signature in allTypes {
            typeBytes += [0x60] + uleb(UInt32(signature.parameters.count)) + signature.parameters.map(\.rawValue)
            typeBytes += uleb(UInt32(signature.results.count)) + signature.results.map(\.rawValue)
        }
        module += section(1, count: allTypes.count, typeBytes)
        if !imports.isEmpty { module += section(2, count: imports.count, importBytes) }
        if !functions.isEmpty {
            module += section(3, count: functions.count, functions.flatMap { uleb(UInt32($0.typeIndex)) })
        }
        if let memory { module += section(5, count: 1, [0x00] + uleb(memory.minimum)) }
        var exports: [[UInt8]] = []
        for (offset, function) in functions.enumerated() {
            if let exportName = function.export {
                exports.append(name(exportName) + [0x00] + uleb(UInt32(importedFunctions + offset)))
            }
        }
        if let exportName = memory?.export { exports.append(name(exportName) + [0x02, 0x00]) }
        if !exports.isEmpty { module += section(7, count: exports.count, exports.flatMap { $0 }) }
        if !functions.isEmpty {
            let body: [UInt8] = [0x03, 0x00, 0x00, 0x0B]
            module += section(10, count: functions.count, functions.flatMap { _ in body })
        }
        return module
    }

    private mutating func typeIndex(_ signature: FunctionSignature) -> Int {
        if let found = types.firstIndex(of: signature) { return found }
        types.append(signature)
        return types.count - 1
    }

    private func section(_ id: UInt8, count: Int, _ content: [UInt8]) -> [UInt8] {
        let payload = uleb(UInt32(count)) + content
        return [id] + uleb(UInt32(payload.count)) + payload
    }

    private func name(_ text: String) -> [UInt8] {
        uleb(UInt32(text.utf8.count)) + Array(text.utf8)
    }

    private func uleb(_ value: UInt32) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }
}

/// `(param ...) (result ...)` shorthand.
func sig(_ parameters: [ValueType] = [], _ results: [ValueType] = []) -> FunctionSignature {
    FunctionSignature(parameters: parameters, results: results)
}
