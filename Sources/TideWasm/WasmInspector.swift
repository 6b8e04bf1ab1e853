/// Reads a WebAssembly binary's interface (types, imports, exports, memories, start function)
/// and validates what it reads. Pure: the same bytes always give the same result.
public struct WasmInspector: Sendable {
    public var options: WasmInspectionOptions

    public init(options: WasmInspectionOptions = WasmInspectionOptions()) {
        self.options = options
    }

    public func inspect(_ bytes: [UInt8]) throws(WasmInspectionError) -> WasmModuleInfo {
        var parser = ModuleParser(options: options)
        return try parser.parse(bytes)
    }
}

extension WasmModuleInfo {
    /// Inspects a module's bytes; see ``WasmInspector``.
    public init(
        parsing bytes: [UInt8], options: WasmInspectionOptions = WasmInspectionOptions()
    ) throws(WasmInspectionError) {
        self = try WasmInspector(options: options).inspect(bytes)
    }
}
