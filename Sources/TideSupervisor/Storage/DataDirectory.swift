import Foundation

/// The layout of `--data-dir`:
/// `device-id`, `blobs/<sha256>`, `deployments/<id>/{node.json,digests.json}`,
/// `deployments/<id>/<instance>/<module>/` (the files a module sees through WASI, one `<instance>`
/// directory per time the deployment was installed), `history/<requestId>/<file>`.
public struct DataDirectory: Sendable {
    public let root: String

    public init(root: String) throws(SupervisorError) {
        self.root = root
        try Self.create(root)
        try Self.create(deploymentsRoot)
        try Self.create(historyRoot)
    }

    public var blobsRoot: String { root + "/blobs" }
    public var deploymentsRoot: String { root + "/deployments" }
    public var historyRoot: String { root + "/history" }
    public var deviceIDPath: String { root + "/device-id" }
    /// The device's key and certificate and the fleet CA, once enrolled.
    public var tlsRoot: String { root + "/tls" }

    /// Directories of a deployment; `id` must already be a `SafeName`.
    public func deploymentDirectory(_ id: String) -> String { deploymentsRoot + "/" + id }
    public func instanceDirectory(deployment: String, instance: String) -> String {
        deploymentDirectory(deployment) + "/" + instance
    }
    public func historyDirectory(_ requestID: String) -> String { historyRoot + "/" + requestID }

    public static func create(_ path: String) throws(SupervisorError) {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .internalFailure("cannot create the directory \(path): \(error.localizedDescription)")
        }
    }

    public static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
