import Foundation
import TideModel

/// What the server asks of its database, whichever backend holds it: SQLite (`TideStore`, the
/// default) or PostgreSQL (`PostgresFleetStore` in TidePostgresStore, for several replicas).
///
/// Every requirement has the signature and the meaning of the `TideStore` method of the same name.
/// The rules every backend keeps:
/// - a write that changes the fleet and the event(s) that record it are one transaction: both or
///   neither are stored;
/// - event ids are assigned by the store, strictly increasing in commit order (a reader that
///   resumes after id N never misses a later commit); they may have gaps;
/// - JSON columns hold the same text in both backends (the records' encoders);
/// - times are kept to the millisecond.
///
/// No requirement has default arguments (a protocol cannot): callers through `any FleetStore`
/// spell every argument.
public protocol FleetStore: Sendable {
    // MARK: Devices

    func allDevices() async throws(StoreError) -> [Device]
    func device(_ id: DeviceID) async throws(StoreError) -> Device?
    /// Those of `ids` the store holds, in one read (any order).
    func devices(_ ids: [DeviceID]) async throws(StoreError) -> [Device]
    /// The device that answers at `endpoint`, if any.
    func deviceID(at endpoint: DeviceEndpoint) async throws(StoreError) -> DeviceID?
    /// Inserts or replaces `device` (and the endpoints it answers on), with `event`, atomically.
    @discardableResult
    func save(_ device: Device, event: NewFleetEvent?) async throws(StoreError) -> FleetEvent?
    /// Inserts many devices in one transaction (imports and benchmarks).
    func insert(_ devices: [Device]) async throws(StoreError)
    /// Deletes a device with `event` (and, with `removal`, remembers it as removed), atomically;
    /// nil when there was no such device.
    @discardableResult
    func delete(_ id: DeviceID, event: NewFleetEvent, removal: RemovedDevice?) async throws(StoreError) -> FleetEvent?
    func removedDevices() async throws(StoreError) -> [RemovedDevice]
    func forgetRemoval(of ids: [DeviceID]) async throws(StoreError)
    /// Records the latest health of many devices in one transaction.
    func saveHealth(_ updates: [HealthUpdate]) async throws(StoreError)
    /// When the latest heartbeat of each of `ids` arrived (at any replica), for those that ever sent one.
    func lastHeard(of ids: [DeviceID]) async throws(StoreError) -> [DeviceID: Date]
    /// What the devices seen after `time` (by any replica) last reported they run (deployment ->
    /// generation), for those whose heartbeats said.
    func reports(seenAfter time: Date) async throws(StoreError) -> [DeviceID: [String: Int64]]

    // MARK: Events

    /// The id of the newest event, 0 when the log is empty.
    func latestEventID() async throws(StoreError) -> Int64
    @discardableResult
    func append(_ event: NewFleetEvent) async throws(StoreError) -> FleetEvent
    /// The `count` newest events (optionally of one device), oldest first.
    func latestEvents(_ count: Int, device: DeviceID?) async throws(StoreError) -> [FleetEvent]
    /// Events after `afterID`, at or after `since`, of `device` (each when given), oldest first.
    func events(afterID: Int64?, since time: Date?, device: DeviceID?, limit: Int) async throws(StoreError) -> [FleetEvent]

    // MARK: Packages

    func packageVersions(named name: String?) async throws(StoreError) -> [PackageVersionRecord]
    func packageFiles(name: String, version: String) async throws(StoreError) -> [PackageFileRecord]
    /// Inserts a version, its files and `event` atomically; `.conflict` when the version exists.
    @discardableResult
    func publish(_ version: PackageVersionRecord, files: [PackageFileRecord], event: NewFleetEvent) async throws(StoreError) -> FleetEvent
    /// nil when there is no such version.
    @discardableResult
    func setYanked(name: String, version: String, yanked: Bool, event: NewFleetEvent) async throws(StoreError) -> FleetEvent?
    func isBlobReferenced(_ digest: String) async throws(StoreError) -> Bool

    // MARK: Deployments

    func deployments() async throws(StoreError) -> [Deployment]
    @discardableResult
    func save(_ deployment: Deployment, events: [NewFleetEvent]) async throws(StoreError) -> [FleetEvent]
    /// Its checkpoints go with it.
    @discardableResult
    func deleteDeployment(_ name: String, event: NewFleetEvent) async throws(StoreError) -> FleetEvent?

    // MARK: Operator tokens and the audit log

    func apiTokens() async throws(StoreError) -> [APITokenRecord]
    func insert(_ token: APITokenRecord, event: NewFleetEvent) async throws(StoreError) -> FleetEvent
    func deleteToken(_ id: String, event: NewFleetEvent) async throws(StoreError) -> FleetEvent?
    func replaceBootstrapToken(with token: APITokenRecord) async throws(StoreError)
    @discardableResult
    func appendAudit(_ entry: AuditEntry) async throws(StoreError) -> AuditEntry
    func auditEntries(afterID: Int64?, limit: Int) async throws(StoreError) -> [AuditEntry]

    // MARK: Join tokens and device certificates

    func insert(_ token: JoinTokenRecord) async throws(StoreError)
    func joinTokens() async throws(StoreError) -> [JoinTokenRecord]
    func deleteJoinToken(_ id: String) async throws(StoreError) -> Bool
    /// Takes one use of a join token and records the certificate `issue` makes, in one
    /// transaction (see `TideStore.useJoinToken`). Untyped: `issue`'s own error comes through as
    /// it was thrown.
    func useJoinToken(
        id: String, secretHash: String, deviceID: String, now: Date, issue: (JoinToken) throws -> DeviceCertificateRecord
    ) async throws -> (JoinTokenUse, DeviceCertificateRecord?)
    func activeCertificates(of deviceID: String, at now: Date) async throws(StoreError) -> [DeviceCertificateRecord]
    func insert(_ certificate: DeviceCertificateRecord) async throws(StoreError)
    func certificates(notExpiredAt now: Date) async throws(StoreError) -> [DeviceCertificateRecord]
    func certificate(serial: String) async throws(StoreError) -> DeviceCertificateRecord?
    @discardableResult
    func revokeCertificates(of deviceID: String, at now: Date) async throws(StoreError) -> Int

    // MARK: Checkpoints of stateful steps

    func saveCheckpoint(_ checkpoint: StateCheckpoint) async throws(StoreError)
    func checkpoint(deployment: String, step: String) async throws(StoreError) -> StateCheckpoint?
    func deleteCheckpoints(deployment: String, keeping steps: [String]) async throws(StoreError)
}

/// The SQLite store keeps its synchronous API; its methods are the witnesses.
extension TideStore: FleetStore {}
