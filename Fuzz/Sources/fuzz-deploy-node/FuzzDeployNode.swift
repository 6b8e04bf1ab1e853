import FuzzSupport
import TideModel

/// A deploy node as the supervisor reads `POST /deploy`: `DeploymentNode.decode(_:limits:)` with
/// the default `DeploymentNodeLimits`, the error's message on failure.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDeployNodeTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = FuzzInput.bytes(data, size) else { return 0 }
    do {
        let node = try DeploymentNode.decode(bytes, limits: DeploymentNodeLimits())
        _ = try TideJSON.encoder().encode(node)
    } catch {
        _ = "\(error)"
    }
    return 0
}
