import Foundation
import TideModel
import TidePackageFormat
import TideStore

/// A single server's data directory for migration tests: `tide.sqlite` with rows in every table
/// the snapshot copies, and `blobs/` with the files its package names (plus one no package names).
struct MigrationSource {
    let directory: String
    let blobs: [String: [UInt8]]

    var databasePath: String { directory + "/tide.sqlite" }
    var blobDirectory: String { directory + "/blobs" }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func make() async throws -> MigrationSource {
        let path = StoreTests.temporaryPath()
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let store = try TideStore(path: path)
        let epoch = StoreConformanceTests.epoch
        func event(_ kind: FleetEventKind, _ device: String? = nil, _ message: String) -> NewFleetEvent {
            StoreConformanceTests.event(kind, device, message)
        }

        var full = StoreTests.device("a")
        full.dampedUntil = epoch.addingTimeInterval(60.5)
        full.labels = ["zone": "lobby", "ünï": "cödé"]
        var bare = StoreTests.device("b", host: "127.0.0.2", port: 5001)
        bare.health = nil
        try store.save(full, event: event(.deviceRegistered, "a", "registered a"))
        try store.save(bare, event: nil)
        let gone = StoreTests.device("c", host: "127.0.0.3", port: 5002)
        try store.save(gone, event: event(.deviceRegistered, "c", "registered c"))
        try store.delete(gone.id, event: event(.deviceRemoved, "c", "removed c"), removal: RemovedDevice(gone, at: epoch.addingTimeInterval(1.234)))
        // A quarter second, exact in binary: at .126 SQLite (GRDB) and PostgreSQL (StoredTime.read)
        // give Dates one ulp apart, unequal as `Date`s though the stored milliseconds are the same.
        var details = NewFleetEvent(time: epoch.addingTimeInterval(0.25), kind: .deviceStatusChanged, device: full.id, message: "suspect")
        details.details = ["from": .string("alive"), "to": .string("suspect"), "ok": .bool(true)]
        try store.append(details)

        let module = Array("\0asm\u{1}\0\0\0 module of fibo".utf8)
        let data = Array("weights".utf8)
        let unreferenced = Array("left by a failed publish".utf8)
        let blobs = BlobStore(root: directory)
        for bytes in [module, data, unreferenced] { try blobs.put(bytes) }
        let moduleDigest = BlobDigest(of: module).hex
        let dataDigest = BlobDigest(of: data).hex
        var version = StoreConformanceRecordsTests.version("fibo", "1.0.0", digest: moduleDigest)
        version.signing = #"{"key":"k1"}"#
        var files = StoreConformanceRecordsTests.files("fibo", "1.0.0", digest: moduleDigest)
        files[1].digest = dataDigest
        try store.publish(version, files: files, event: event(.packagePublished, nil, "published fibo"))
        try store.setYanked(name: "fibo", version: "1.0.0", yanked: true, event: event(.packageYanked, nil, "yanked"))

        try store.save(StoreConformanceRecordsTests.deployment("lobby"), events: [event(.deploymentApplied, nil, "applied lobby")])

        let bootstrap = APIToken(id: "tok-operator", name: "operator.token", role: .admin, createdAt: epoch, createdBy: nil, bootstrap: true)
        try store.replaceBootstrapToken(with: APITokenRecord(bootstrap, secretHash: String(repeating: "b", count: 64)))
        let ci = APIToken(id: "tok-1", name: "ci", role: .deployer, createdAt: epoch, createdBy: "tok-operator", bootstrap: false)
        _ = try store.insert(APITokenRecord(ci, secretHash: String(repeating: "c", count: 64)), event: event(.tokenCreated, nil, "token ci"))
        for status in [201, 403] {
            try store.appendAudit(AuditEntry(
                id: 0, time: epoch, token: "tok-1", name: "ci", role: .deployer, method: "POST", path: "/api/v1/deployments", status: status))
        }

        let join = JoinToken(
            id: "jt-1", createdAt: epoch, expiresAt: epoch.addingTimeInterval(3600), usesLeft: 2, labels: ["zone": "lobby"],
            createdBy: "tok-operator")
        try store.insert(try JoinTokenRecord(join, secretHash: "hash-1"))
        var certificate = StoreConformanceRecordsTests.certificate("01ab", device: "a", notAfter: epoch.addingTimeInterval(86_400))
        certificate.revokedAt = epoch.addingTimeInterval(7)
        try store.insert(certificate)
        return MigrationSource(
            directory: directory, blobs: [moduleDigest: module, dataDigest: data, BlobDigest(of: unreferenced).hex: unreferenced])
    }
}
