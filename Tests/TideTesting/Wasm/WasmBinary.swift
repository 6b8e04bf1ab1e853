import TideWasm

/// Hand-encodes WebAssembly binaries for tests.
enum Wasm {
    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

    static func module(_ sections: [UInt8]...) -> [UInt8] {
        header + sections.flatMap { $0 }
    }

    static func uleb(_ value: UInt32) -> [UInt8] {
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

    static func uleb(_ value: Int) -> [UInt8] { uleb(UInt32(value)) }

    static func name(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        return uleb(utf8.count) + utf8
    }

    static func rawName(_ bytes: [UInt8]) -> [UInt8] { uleb(bytes.count) + bytes }

    static func vector(_ items: [[UInt8]]) -> [UInt8] {
        uleb(items.count) + items.flatMap { $0 }
    }

    static func section(_ id: SectionID, _ content: [UInt8]) -> [UInt8] {
        [id.rawValue] + uleb(content.count) + content
    }

    static func funcType(_ parameters: [ValueType], _ results: [ValueType]) -> [UInt8] {
        [0x60] + vector(parameters.map { [$0.rawValue] }) + vector(results.map { [$0.rawValue] })
    }

    static func limits(_ minimum: UInt32, _ maximum: UInt32? = nil, shared: Bool = false) -> [UInt8] {
        guard let maximum else { return [0x00] + uleb(minimum) }
        return [shared ? 0x03 : 0x01] + uleb(minimum) + uleb(maximum)
    }

    // Import descriptors.
    static func importFunction(_ typeIndex: UInt32) -> [UInt8] { [0x00] + uleb(typeIndex) }
    static func importTable(_ element: ReferenceType, _ limits: [UInt8]) -> [UInt8] { [0x01, element.rawValue] + limits }
    static func importMemory(_ limits: [UInt8]) -> [UInt8] { [0x02] + limits }
    static func importGlobal(_ type: ValueType, mutable: Bool) -> [UInt8] { [0x03, type.rawValue, mutable ? 1 : 0] }
    static func importTag(_ typeIndex: UInt32) -> [UInt8] { [0x04, 0x00] + uleb(typeIndex) }

    static func importEntry(_ module: String, _ field: String, _ descriptor: [UInt8]) -> [UInt8] {
        name(module) + name(field) + descriptor
    }

    static func exportEntry(_ field: String, _ kind: ExternalKind, _ index: UInt32) -> [UInt8] {
        name(field) + [kind.rawValue] + uleb(index)
    }

    static func typeSection(_ types: [[UInt8]]) -> [UInt8] { section(.type, vector(types)) }
    static func importSection(_ entries: [[UInt8]]) -> [UInt8] { section(.import, vector(entries)) }
    static func functionSection(_ typeIndices: [UInt32]) -> [UInt8] {
        section(.function, vector(typeIndices.map { uleb($0) }))
    }
    static func memorySection(_ memories: [[UInt8]]) -> [UInt8] { section(.memory, vector(memories)) }
    static func exportSection(_ entries: [[UInt8]]) -> [UInt8] { section(.export, vector(entries)) }
    static func startSection(_ index: UInt32) -> [UInt8] { section(.start, uleb(index)) }
    static func customSection(_ sectionName: String, _ payload: [UInt8] = []) -> [UInt8] {
        section(.custom, name(sectionName) + payload)
    }

    /// A code section with `count` bodies that are just `end` (bodies are never parsed).
    static func codeSection(bodies count: Int) -> [UInt8] {
        section(.code, vector(Array(repeating: [0x02, 0x00, 0x0B], count: count)))
    }
}
