import FuzzSupport
import TidePackageFormat
import TideWasm

/// A package's module as the server inspects it: `WasmInspector` with the default
/// `WasmInspectionOptions` (as `PackageValidator()` in `PackageRegistry`), the message of any
/// error, and the summary the registry stores for a valid module.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWasmTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = FuzzInput.bytes(data, size) else { return 0 }
    let info: WasmModuleInfo
    do {
        info = try WasmInspector().inspect(bytes)
    } catch {
        _ = error.message
        return 0
    }
    let summary = ModuleSummary(path: "module.wasm", size: bytes.count, info: info)
    _ = summary.functionExports
    _ = info.imports.map(\.description)
    _ = info.exports.map(\.description)
    return 0
}
