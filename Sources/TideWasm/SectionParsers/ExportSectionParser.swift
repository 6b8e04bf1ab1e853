extension ModuleParser {
    mutating func parseExportSection(_ reader: inout WasmReader) throws(WasmInspectionError) {
        let count = try reader.readVectorCount()
        exports.reserveCapacity(count)
        var names = NameSet(bytes: reader.bytes, capacity: count)
        for _ in 0..<count {
            let nameOffset = reader.offset
            let nameRange = try reader.readNameRange()
            let name = reader.string(at: nameRange)
            guard names.insert(nameRange) else {
                throw reader.error(.duplicateExportName(name), at: nameOffset)
            }
            let kindOffset = reader.offset
            let kindByte = try reader.readByte()
            guard let kind = ExternalKind(rawValue: kindByte) else {
                throw reader.error(.invalidExternalKind(kindByte), at: kindOffset)
            }
            let indexOffset = reader.offset
            let index = try reader.readVarUInt32()
            let descriptor: WasmExport.Descriptor
            switch kind {
            case .function:
                guard let signature = signature(ofFunction: index) else {
                    throw reader.error(
                        .functionIndexOutOfRange(index: index, functionCount: functionTypeIndexSpace.count),
                        at: indexOffset
                    )
                }
                descriptor = .function(index: index, signature: signature)
            case .memory:
                guard index.saturatingInt < memoryIndexSpace.count else {
                    throw reader.error(
                        .memoryIndexOutOfRange(index: index, memoryCount: memoryIndexSpace.count),
                        at: indexOffset
                    )
                }
                descriptor = .memory(index: index, type: memoryIndexSpace[Int(index)])
            case .table:
                descriptor = .table(index: index)
            case .global:
                descriptor = .global(index: index)
            case .tag:
                descriptor = .tag(index: index)
            }
            exports.append(WasmExport(name: name, descriptor: descriptor))
        }
    }
}
