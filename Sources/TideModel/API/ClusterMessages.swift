import Foundation

/// `GET /readyz`: whether this replica serves (200) or not (503), and why not.
public struct Readiness: Sendable, Codable, Equatable {
    public var ready: Bool
    public var replica: String
    public var leading: Bool
    public var leader: String?
    public var reason: String?

    public init(ready: Bool, replica: String, leading: Bool, leader: String?, reason: String?) {
        self.ready = ready
        self.replica = replica
        self.leading = leading
        self.leader = leader
        self.reason = reason
    }
}

/// `GET /api/v1/cluster`: the replicas that share the datastore and which one leads.
public struct ClusterStatus: Sendable, Codable, Equatable {
    public struct Replica: Sendable, Codable, Equatable {
        public var id: String
        public var url: String
        public var started: Date?
        public var lastSeen: Date?
        /// Holds the lease: reconciles and deploys.
        public var leader: Bool
        /// The replica that answered.
        public var this: Bool

        public init(id: String, url: String, started: Date?, lastSeen: Date?, leader: Bool, this: Bool) {
            self.id = id
            self.url = url
            self.started = started
            self.lastSeen = lastSeen
            self.leader = leader
            self.this = this
        }
    }

    /// `sqlite`, or the PostgreSQL URL without its password.
    public var datastore: String
    /// The replica that answered.
    public var replica: String
    public var leading: Bool
    public var leader: String?
    /// The lease's term: it grows by one each time another replica takes the lease.
    public var term: Int64
    public var leaseExpires: Date?
    /// When the replica that answered, leading, finished its first pass over every deployment
    /// after taking the lease; nil when it does not lead.
    public var reconcilingSince: Date?
    public var replicas: [Replica]
    /// Why this replica cannot coordinate right now, if it cannot.
    public var problem: String?

    public init(
        datastore: String, replica: String, leading: Bool, leader: String?, term: Int64, leaseExpires: Date?,
        reconcilingSince: Date? = nil, replicas: [Replica], problem: String?
    ) {
        self.reconcilingSince = reconcilingSince
        self.datastore = datastore
        self.replica = replica
        self.leading = leading
        self.leader = leader
        self.term = term
        self.leaseExpires = leaseExpires
        self.replicas = replicas
        self.problem = problem
    }
}
