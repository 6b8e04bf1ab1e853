import FuzzSupport
import TideModel
import TidePackageFormat

/// package.yaml as the server reads it on publish: `PackageManifest(yaml:)` on the file's bytes,
/// every issue's message on failure.
///
/// Property: an accepted manifest's `yamlText` parses back to an equal manifest (as documented).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPackageYAMLTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = FuzzInput.bytes(data, size) else { return 0 }
    let manifest: PackageManifest
    do {
        manifest = try PackageManifest(yaml: bytes)
    } catch {
        _ = error.lines
        return 0
    }
    let text = manifest.yamlText
    do {
        let again = try PackageManifest(yaml: text)
        FuzzInput.require(again == manifest, "yamlText reads back different:\n\(text)")
    } catch {
        FuzzInput.require(false, "yamlText of an accepted manifest is refused: \(error.lines)\n\(text)")
    }
    return 0
}
