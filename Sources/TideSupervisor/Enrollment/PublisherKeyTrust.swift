import Foundation
import Synchronization
import TideModel
import TideSigning
import TideTLS

/// The publisher keys this supervisor checks package signatures against: its own `--trusted-key`s
/// and, once enrolled, the set its orchestrator hands out. That set comes with the certificate and
/// is replaced whenever a heartbeat answer names another one; it is kept in
/// `<data-dir>/tls/publisher-keys.json`, so a restart without the orchestrator keeps it.
final class PublisherKeyTrust: Sendable {
    private let local: SignaturePolicy
    private let path: String?
    private let server: Mutex<(set: PublisherKeySet, keys: [PublisherKey])?>

    /// The command line's keys only, nothing kept.
    init(local: SignaturePolicy) {
        self.local = local
        self.path = nil
        self.server = Mutex(nil)
    }

    init(local: SignaturePolicy, directory: DataDirectory) throws(SupervisorError) {
        self.local = local
        let path = directory.tlsRoot + "/publisher-keys.json"
        self.path = path
        var loaded: (PublisherKeySet, [PublisherKey])?
        if FileManager.default.fileExists(atPath: path) {
            let set: PublisherKeySet
            do {
                set = try JSONDecoder().decode(PublisherKeySet.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw .internalFailure("cannot read the orchestrator's publisher keys in \(path) (\(error)); remove the file, the next heartbeat brings them again")
            }
            loaded = (set, try Self.verify(set))
        }
        server = Mutex(loaded)
    }

    var policy: SignaturePolicy {
        let fromServer = server.withLock { $0?.keys ?? [] }
        return SignaturePolicy(trusted: Array(local.trusted.values) + fromServer, requiredPrefixes: local.requiredPrefixes)
    }

    /// The digest of the orchestrator's set this supervisor holds.
    var digest: String? { server.withLock { $0?.set.digest } }

    /// Takes the orchestrator's set once every key reads and the digest matches them; returns
    /// whether it changed anything.
    @discardableResult
    func replace(with set: PublisherKeySet) throws(SupervisorError) -> Bool {
        let keys = try Self.verify(set)
        guard set.digest != digest else { return false }
        if let path {
            do {
                let text = String(decoding: try JSONEncoder().encode(set), as: UTF8.self)
                try PEMFiles.write(text, to: path, secret: false)
            } catch {
                throw .internalFailure("cannot keep the orchestrator's publisher keys in \(path): \(error)")
            }
        }
        server.withLock { $0 = (set, keys) }
        return true
    }

    private static func verify(_ set: PublisherKeySet) throws(SupervisorError) -> [PublisherKey] {
        guard set.keys.count <= PublisherKeySet.maxKeys else {
            throw .badRequest("the orchestrator sent \(set.keys.count) publisher keys; at most \(PublisherKeySet.maxKeys) are taken")
        }
        var keys: [PublisherKey] = []
        for line in set.keys {
            do {
                keys.append(try PublisherKey(fileText: line, source: "a publisher key from the orchestrator"))
            } catch {
                throw .badRequest(error.message)
            }
        }
        guard PublisherKey.handout(keys).digest == set.digest else {
            throw .badRequest("the orchestrator's publisher keys do not match their digest \(set.digest)")
        }
        return keys
    }
}
