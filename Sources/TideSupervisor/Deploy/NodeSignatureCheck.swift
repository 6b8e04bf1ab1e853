import Foundation
import TideModel
import TideSigning

extension SignaturePolicy {
    /// Checks every module of a node against the publisher keys this supervisor trusts, before
    /// anything is downloaded. The statement is rebuilt from the node's digests, which the
    /// downloads are then checked against, so a changed blob fails either here or there.
    func check(_ node: DeploymentNode) throws(SupervisorError) {
        guard !trusted.isEmpty || !requiredPrefixes.isEmpty else { return }
        for module in node.modules {
            let refused = { (reason: String) in
                SupervisorError(.forbidden, "module \(module.name) (\(module.id ?? "no id")): \(reason); nothing was installed")
            }
            guard let id = module.id, let at = id.lastIndex(of: "@"), at != id.startIndex else {
                if requiresSignature("") || module.signing != nil { throw refused("a signed module needs its id, name@version") }
                continue
            }
            let name = String(id[..<at])
            let version = String(id[id.index(after: at)...])
            guard module.signing != nil || requiresSignature(name) else { continue }
            guard let binary = module.sha256?.binary else { throw refused("a signed module needs the sha256 of its binary") }
            let files = module.sha256?.other ?? [:]
            guard Set((module.urls.other ?? [:]).keys).isSubset(of: files.keys) else {
                throw refused("every file of a signed module needs its sha256")
            }
            var signatures: [PackageSignature] = []
            for entry in module.signing?.signatures ?? [] {
                guard let bytes = Data(base64Encoded: entry.signature), bytes.count == 64 else {
                    throw refused("the signature by key \(entry.key) is not 64 bytes of base64")
                }
                signatures.append(PackageSignature(key: entry.key, signature: Array(bytes)))
            }
            let statement = PackageStatement(
                name: name, version: version, manifestSHA256: module.signing?.manifestSha256 ?? "", moduleSHA256: binary,
                files: files)
            do {
                _ = try check(statement, signatures: signatures)
            } catch {
                throw refused(error.message)
            }
        }
    }
}
