import Foundation
import FuzzSupport
import TideManifest
import TideModel

/// A deployment manifest as `POST /api/v1/plan` and `/api/v1/deployments` read it (`Planner`):
/// `ManifestParser.parse` on the body's bytes (Tide's YAML or JSON form, or the wasmiot form),
/// the error's lines on failure, and each step's version range as the planner groups them.
///
/// Properties of an accepted manifest: a valid name, at least one step, unique step names, every step's inputs name
/// earlier steps, version ranges print and read back equal, and the manifest survives the JSON
/// the server stores it as.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifestTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = FuzzInput.bytes(data, size) else { return 0 }
    let manifest: DeploymentManifest
    do {
        manifest = try ManifestParser.parse(bytes, fileName: "manifest.yaml")
    } catch {
        _ = error.lines
        return 0
    }
    FuzzInput.require(DeploymentManifest.isValidName(manifest.name), "invalid name \"\(manifest.name)\" accepted")
    FuzzInput.require(!manifest.steps.isEmpty, "a manifest without steps was accepted")
    var earlier: Set<String> = []
    for step in manifest.steps {
        FuzzInput.require(
            step.inputs.allSatisfy(earlier.contains), "step \(step.name) is fed by \(step.inputs), not all earlier steps")
        FuzzInput.require(earlier.insert(step.name).inserted, "two steps are named \(step.name)")
        let range = step.versionRange.description
        FuzzInput.require(
            (try? VersionRange(parsing: range)) == step.versionRange, "step \(step.name): range \"\(range)\" reads back different")
    }
    do {
        let stored = try TideJSON.encoder().encode(manifest)
        let again = try TideJSON.decoder().decode(DeploymentManifest.self, from: stored)
        FuzzInput.require(again == manifest, "the manifest reads back different from its JSON")
    } catch {
        FuzzInput.require(false, "the manifest does not survive its JSON: \(error)")
    }
    return 0
}
