extension ModuleParser {
    mutating func parseImportSection(_ reader: inout WasmReader) throws(WasmInspectionError) {
        let count = try reader.readVectorCount()
        imports.reserveCapacity(count)
        for _ in 0..<count {
            let module = try reader.readName()
            let name = try reader.readName()
            let kindOffset = reader.offset
            let kindByte = try reader.readByte()
            let descriptor: WasmImport.Descriptor
            switch ExternalKind(rawValue: kindByte) {
            case .function:
                let typeIndex = try reader.readTypeIndex(typeCount: types.count)
                descriptor = .function(typeIndex: typeIndex, signature: types[Int(typeIndex)])
                functionTypeIndexSpace.append(typeIndex)
            case .table:
                descriptor = .table(try reader.readTableType())
            case .memory:
                let memory = try reader.readMemoryType()
                descriptor = .memory(memory)
                memoryIndexSpace.append(memory)
            case .global:
                descriptor = .global(try reader.readGlobalType())
            case .tag:
                let typeIndex = try reader.readTagType(typeCount: types.count)
                descriptor = .tag(typeIndex: typeIndex, signature: types[Int(typeIndex)])
            case nil:
                throw reader.error(.invalidExternalKind(kindByte), at: kindOffset)
            }
            imports.append(WasmImport(module: module, name: name, descriptor: descriptor))
        }
    }
}

extension WasmReader {
    /// A tag type: an attribute byte (0 = exception) and the index of its function type.
    mutating func readTagType(typeCount: Int) throws(WasmInspectionError) -> UInt32 {
        let start = offset
        let attribute = try readByte()
        guard attribute == 0 else { throw error(.invalidTagAttribute(attribute), at: start) }
        return try readTypeIndex(typeCount: typeCount)
    }
}
