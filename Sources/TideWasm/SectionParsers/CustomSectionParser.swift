extension ModuleParser {
    /// Reads a custom section's name; its content is skipped.
    func parseCustomSectionName(_ reader: inout WasmReader) throws(WasmInspectionError) -> String {
        let name = try reader.readName()
        reader.skipToEnd()
        return name
    }
}
