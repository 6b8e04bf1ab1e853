extension ModuleParser {
    mutating func parseFunctionSection(_ reader: inout WasmReader) throws(WasmInspectionError) {
        let count = try reader.readVectorCount()
        definedFunctionTypeIndices.reserveCapacity(count)
        functionTypeIndexSpace.reserveCapacity(functionTypeIndexSpace.count + count)
        for _ in 0..<count {
            let typeIndex = try reader.readTypeIndex(typeCount: types.count)
            definedFunctionTypeIndices.append(typeIndex)
            functionTypeIndexSpace.append(typeIndex)
        }
    }
}
