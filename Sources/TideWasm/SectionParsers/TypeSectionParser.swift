extension ModuleParser {
    mutating func parseTypeSection(_ reader: inout WasmReader) throws(WasmInspectionError) {
        let count = try reader.readVectorCount()
        types.reserveCapacity(count)
        for _ in 0..<count { types.append(try reader.readFunctionType()) }
    }
}
