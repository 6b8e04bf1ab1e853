extension ModuleParser {
    mutating func parseMemorySection(_ reader: inout WasmReader) throws(WasmInspectionError) {
        let count = try reader.readVectorCount()
        definedMemories.reserveCapacity(count)
        for _ in 0..<count {
            let memory = try reader.readMemoryType()
            definedMemories.append(memory)
            memoryIndexSpace.append(memory)
        }
    }
}
