extension ModuleParser {
    mutating func parseStartSection(_ reader: inout WasmReader) throws(WasmInspectionError) {
        let indexOffset = reader.offset
        let index = try reader.readVarUInt32()
        guard let signature = signature(ofFunction: index) else {
            throw reader.error(
                .functionIndexOutOfRange(index: index, functionCount: functionTypeIndexSpace.count),
                at: indexOffset
            )
        }
        guard signature.parameters.isEmpty, signature.results.isEmpty else {
            throw reader.error(.invalidStartFunctionType(index: index, signature: signature), at: indexOffset)
        }
        startFunctionIndex = index
    }
}
