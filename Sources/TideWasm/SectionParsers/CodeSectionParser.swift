extension ModuleParser {
    /// Reads only the number of bodies, to check it against the function section; bodies are skipped.
    mutating func parseCodeSectionCount(_ reader: inout WasmReader) throws(WasmInspectionError) {
        let countOffset = reader.offset
        let count = try reader.readVectorCount()
        guard count == definedFunctionTypeIndices.count else {
            throw reader.error(
                .functionCodeCountMismatch(functions: definedFunctionTypeIndices.count, bodies: count),
                at: countOffset
            )
        }
        codeBodyCount = count
        reader.skipToEnd()
    }
}
