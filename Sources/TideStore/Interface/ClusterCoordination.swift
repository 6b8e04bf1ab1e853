import Foundation
import TideModel

/// The name of one `tide server` replica: 1-64 characters of `A-Z a-z 0-9 . _ -`, unique among
/// the replicas sharing a database.
public struct ReplicaID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public static let maxLength = 64

    public let rawValue: String

    public init(_ text: String) throws(InvalidReplicaID) {
        guard !text.isEmpty, text.utf8.count <= Self.maxLength else { throw InvalidReplicaID(text: text) }
        guard text.unicodeScalars.allSatisfy(Self.isAllowed) else { throw InvalidReplicaID(text: text) }
        rawValue = text
    }

    /// A fresh id for a replica on `hostName`: the host name with other characters turned into
    /// `-`, then `-` and 8 random hex digits, so two replicas on one host never share an id.
    public static func generated(hostName: String) -> ReplicaID {
        let cleaned = String(String.UnicodeScalarView(hostName.unicodeScalars.prefix(Self.maxLength - 9).map { Self.isAllowed($0) ? $0 : "-" }))
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16).leftPadded(to: 8)
        return ReplicaID(checked: cleaned.isEmpty ? "replica-\(suffix)" : "\(cleaned)-\(suffix)")
    }

    private init(checked: String) { rawValue = checked }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: ReplicaID, rhs: ReplicaID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }
}

/// A replica id that breaks the rules; the text is shown cut to 80 characters.
public struct InvalidReplicaID: Error, Equatable, CustomStringConvertible {
    public var text: String

    public var description: String {
        let shown = text.count > 80 ? "\(text.prefix(80))..." : text
        return "invalid replica id \"\(shown)\": use 1-\(ReplicaID.maxLength) characters of A-Z, a-z, 0-9, '.', '_' and '-'"
    }
}

/// A replica as the others see it.
public struct ReplicaInfo: Sendable, Equatable {
    /// The longest advertised URL a replica may record.
    public static let maxURLLength = 2048

    public var id: ReplicaID
    /// Where the other replicas and clients reach this one (its API base URL).
    public var url: String
    /// When the replica started (its own clock).
    public var started: Date
    /// Its latest heartbeat, by the database's clock (ignored when sending a heartbeat).
    public var lastSeen: Date

    public init(id: ReplicaID, url: String, started: Date, lastSeen: Date = .distantPast) {
        self.id = id
        self.url = url
        self.started = started
        self.lastSeen = lastSeen
    }
}

/// What a leader passes with each write it makes as the leader: the store refuses the write
/// (`StoreError.fenced`) unless this replica still holds the lease in this term.
public struct LeaseFence: Sendable, Hashable, CustomStringConvertible {
    public var replica: ReplicaID
    public var term: Int64

    public init(replica: ReplicaID, term: Int64) {
        self.replica = replica
        self.term = term
    }

    public var description: String { "replica \(replica) (term \(term))" }
}

/// The leader lease as one replica sees it.
///
/// The database decides who holds the lease and until when, by its own clock (`expiresAt`). The
/// holder acts on `localDeadline` instead, a monotonic instant that passes before the database's
/// expiry: it is taken before the request was sent, plus the ttl, minus `safetyMargin(for:)`.
public struct LeaseState: Sendable, Equatable {
    /// Who leads now; nil when nobody does (released, expired, or never taken).
    public var holder: ReplicaID?
    /// Increases with each new tenure (the lease taken while free or expired), never on renewal.
    public var term: Int64
    /// When the lease expires, by the database's clock.
    public var expiresAt: Date
    /// Whether the replica that asked holds it.
    public var isMine: Bool
    /// Until when the replica that asked may act as the leader; nil when it does not hold it.
    public var localDeadline: ContinuousClock.Instant?

    public init(holder: ReplicaID?, term: Int64, expiresAt: Date, isMine: Bool, localDeadline: ContinuousClock.Instant?) {
        self.holder = holder
        self.term = term
        self.expiresAt = expiresAt
        self.isMine = isMine
        self.localDeadline = localDeadline
    }

    /// The fence to pass with leader writes; nil when the lease is not mine.
    public var fence: LeaseFence? {
        guard isMine, let holder else { return nil }
        return LeaseFence(replica: holder, term: term)
    }

    /// Whether the replica may still act as the leader at `now`.
    public func isValid(at now: ContinuousClock.Instant = .now) -> Bool {
        guard isMine, let localDeadline else { return false }
        return now < localDeadline
    }

    /// A fifth of the ttl: the local deadline passes that long before the database's expiry, at
    /// least, which covers clock rate differences and a push already under way.
    public static func safetyMargin(for ttl: Duration) -> Duration { ttl / 5 }

    /// The local deadline of a lease granted for `ttl` by a request sent at `sent`.
    public static func localDeadline(sentAt sent: ContinuousClock.Instant, ttl: Duration) -> ContinuousClock.Instant {
        sent + ttl - safetyMargin(for: ttl)
    }
}

/// How the `tide server` replicas sharing one database agree on who leads and who is alive.
///
/// Every time is the database's clock, so replicas with skewed clocks agree. A leader renews its
/// lease well within the ttl (a third of it), acts only while `LeaseState.isValid()`, and passes
/// `LeaseState.fence` with its writes so that a deposed leader's late write is refused.
public protocol ClusterCoordinator: Sendable {
    /// Records that `replica` is alive (inserted or updated; `lastSeen` is the database's now).
    func heartbeat(_ replica: ReplicaInfo) async throws(StoreError)
    /// The replicas whose latest heartbeat is less than `ttl` old, by id.
    func liveReplicas(within ttl: Duration) async throws(StoreError) -> [ReplicaInfo]
    /// Takes the lease for `replica` when it is free or expired (a new term), renews it when
    /// `replica` holds it (the same term), else reports who holds it. One atomic step.
    func acquireOrRenewLease(for replica: ReplicaID, ttl: Duration) async throws(StoreError) -> LeaseState
    /// Gives the lease up now when `replica` holds it, so another replica takes over at once.
    func releaseLease(for replica: ReplicaID) async throws(StoreError)
    /// Who leads (for status pages); nil when no replica ever took the lease.
    func currentLease() async throws(StoreError) -> LeaseState?
    /// Forgets `replica` (a clean stop), so it drops out of `liveReplicas` at once.
    func leaveCluster(_ replica: ReplicaID) async throws(StoreError)
}

/// Writes of the deployment controller that only the current leader may make.
public protocol FencedDeploymentStore: Sendable {
    /// `save(_:events:)`, refused with `.fenced` (nothing written) unless `fence` still holds.
    @discardableResult
    func saveFenced(_ deployment: Deployment, events: [NewFleetEvent], fence: LeaseFence) async throws(StoreError) -> [FleetEvent]
    /// `deleteDeployment(_:event:)`, refused with `.fenced` (nothing written) unless `fence` still holds.
    @discardableResult
    func deleteDeploymentFenced(_ name: String, event: NewFleetEvent, fence: LeaseFence) async throws(StoreError) -> FleetEvent?
}

extension ClusterCoordinator {
    /// A ttl must be more than 0 and at most a day; coordinators check it before any database work.
    public static func checked(ttl: Duration, operation: String) throws(StoreError) -> Duration {
        guard ttl > .zero, ttl <= .seconds(86_400) else {
            throw .failed(operation: operation, reason: "the ttl must be more than 0 and at most a day, not \(ttl)")
        }
        return ttl
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
