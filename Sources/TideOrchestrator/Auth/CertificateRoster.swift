import Foundation
import Synchronization
import TideStore
import TideTLS

/// The device certificates of this server in memory, so that a heartbeat over mutual TLS costs no
/// database read: loaded from the store at start (those not yet expired), then kept in step by
/// every enrollment, renewal and revocation, each written to the store first. With several
/// replicas, each reloads it when the shared event log shows another replica's change.
final class CertificateRoster: Sendable {
    struct Entry: Sendable, Equatable {
        var deviceID: String
        var revoked: Bool
        var labels: [String: String]
    }

    private let entries: Mutex<[String: Entry]>
    /// Parsed peer certificates by their DER bytes: a kept-alive connection shows the same one on
    /// every request. Cleared when full.
    private let parsed = Mutex<[[UInt8]: PeerCertificate]>([:])
    static let maxParsed = 4096

    init(store: any FleetStore, now: Date = Date()) async throws(StoreError) {
        entries = Mutex(try await Self.load(store, now: now))
    }

    /// Reads the certificates again (another replica enrolled, renewed or revoked one).
    func reload(from store: any FleetStore, now: Date = Date()) async throws(StoreError) {
        let loaded = try await Self.load(store, now: now)
        entries.withLock { $0 = loaded }
    }

    private static func load(_ store: any FleetStore, now: Date) async throws(StoreError) -> [String: Entry] {
        var loaded: [String: Entry] = [:]
        for record in try await store.certificates(notExpiredAt: now) {
            loaded[record.serial] = Entry(deviceID: record.deviceId, revoked: record.revokedAt != nil, labels: record.labelValues)
        }
        return loaded
    }

    func entry(serial: String) -> Entry? {
        entries.withLock { $0[serial] }
    }

    func add(_ record: DeviceCertificateRecord) {
        let entry = Entry(deviceID: record.deviceId, revoked: record.revokedAt != nil, labels: record.labelValues)
        entries.withLock { $0[record.serial] = entry }
    }

    func revokeAll(of deviceID: String) {
        entries.withLock { entries in
            for (serial, entry) in entries where entry.deviceID == deviceID { entries[serial]?.revoked = true }
        }
    }

    /// The fleet identity in a certificate NIOSSL has verified, parsed once per distinct certificate.
    func identity(of der: [UInt8], parse: () throws(TLSError) -> PeerCertificate) throws(TLSError) -> PeerCertificate {
        if let known = parsed.withLock({ $0[der] }) { return known }
        let identity = try parse()
        parsed.withLock { cache in
            if cache.count >= Self.maxParsed { cache.removeAll(keepingCapacity: true) }
            cache[der] = identity
        }
        return identity
    }
}
