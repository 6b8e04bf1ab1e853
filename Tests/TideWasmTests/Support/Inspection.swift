import TideWasm

/// The error inspecting `bytes` throws, or nil if the module is accepted.
func inspectionError(
    _ bytes: [UInt8], options: WasmInspectionOptions = WasmInspectionOptions()
) -> WasmInspectionError? {
    do {
        _ = try WasmInspector(options: options).inspect(bytes)
        return nil
    } catch {
        return error
    }
}
