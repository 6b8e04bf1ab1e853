import Foundation
import TideModel

/// Installed deployments on disk: the node as received and the digests of its files, so a
/// restarted supervisor rebuilds them from its blob cache without the network.
struct DeploymentStore: Sendable {
    /// Module name -> the digests of its binary and deployment-stage files.
    typealias Digests = [String: DeploymentNode.Digests]

    struct Stored: Sendable {
        var node: DeploymentNode
        var digests: Digests
    }

    let directory: DataDirectory

    func save(id: String, nodeJSON: [UInt8], digests: Digests) throws(SupervisorError) {
        let root = directory.deploymentDirectory(id)
        try DataDirectory.create(root)
        do {
            try Data(nodeJSON).write(to: URL(fileURLWithPath: root + "/node.json"), options: .atomic)
            try TideJSON.encoder().encode(digests).write(to: URL(fileURLWithPath: root + "/digests.json"), options: .atomic)
        } catch {
            throw .internalFailure("cannot persist deployment \(id): \(error.localizedDescription)")
        }
    }

    func load(id: String) throws(SupervisorError) -> Stored {
        let root = directory.deploymentDirectory(id)
        guard let node = FileManager.default.contents(atPath: root + "/node.json"),
            let digests = FileManager.default.contents(atPath: root + "/digests.json")
        else { throw .internalFailure("deployment \(id) is incomplete on disk") }
        do {
            return Stored(
                node: try TideJSON.decoder().decode(DeploymentNode.self, from: node),
                digests: try TideJSON.decoder().decode(Digests.self, from: digests))
        } catch {
            throw .internalFailure("deployment \(id) on disk cannot be read: \(TideJSON.describe(error))")
        }
    }

    func storedIDs() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.deploymentsRoot)) ?? []
        return names.filter { name in
            SafeName.isValid(name) && FileManager.default.fileExists(atPath: directory.deploymentDirectory(name) + "/node.json")
        }.sorted()
    }

    func remove(id: String) {
        DataDirectory.remove(directory.deploymentDirectory(id))
    }
}
