/// The tables and columns a `StoreSnapshot` holds, and the kind of each column: the schema of
/// `Schema/Migrations.swift` as both backends must copy it. A new migration that adds a table or
/// a column adds it here too (or to `notCopied`); the tests compare this list with the schema.
public enum SnapshotLayout {
    public enum Kind: Sendable, Equatable {
        case text, integer, boolean, time
    }

    public struct Column: Sendable, Equatable {
        public var name: String
        public var kind: Kind
    }

    public struct Table: Sendable, Equatable {
        public var name: String
        public var columns: [Column]
        /// The primary key, the order rows are read in.
        public var key: [String]
        /// The column whose values the database assigns (an identity / autoincrement), if any.
        public var identity: String?

        public var columnNames: [String] { columns.map(\.name) }
    }

    /// Tables of the schema that a snapshot leaves out: blobs travel as files beside SQLite; which
    /// replicas are alive and which one leads belong to the running replicas, not to the state.
    /// Checkpoints are binary and short-lived: a migrated deployment takes new ones.
    public static let notCopied: Set<String> = ["tide_blob", "tide_replica", "tide_lease", "state_checkpoint"]

    private static func table(_ name: String, key: [String], identity: String? = nil, _ columns: [(String, Kind)]) -> Table {
        Table(name: name, columns: columns.map { Column(name: $0.0, kind: $0.1) }, key: key, identity: identity)
    }

    /// In an order where every table comes after those it references.
    public static let tables: [Table] = [
        table("device", key: ["id"], [
            ("id", .text), ("name", .text), ("addresses", .text), ("port", .integer), ("status", .text),
            ("status_since", .time), ("status_reason", .text), ("description", .text), ("capabilities", .text),
            ("labels", .text), ("health", .text), ("first_seen", .time), ("last_seen", .time), ("damped_until", .time),
            ("trust", .text), ("reported", .text), ("heard", .time), ("cordoned_at", .time),
        ]),
        table("device_endpoint", key: ["host", "port"], [("host", .text), ("port", .integer), ("device_id", .text)]),
        table("removed_device", key: ["id"], [
            ("id", .text), ("name", .text), ("removed_at", .time), ("addresses", .text), ("port", .integer),
        ]),
        table("event", key: ["id"], identity: "id", [
            ("id", .integer), ("time", .time), ("kind", .text), ("device_id", .text), ("message", .text), ("details", .text),
        ]),
        table("package_version", key: ["name", "version"], [
            ("name", .text), ("version", .text), ("description", .text), ("manifest", .text), ("metadata", .text),
            ("module_digest", .text), ("module_size", .integer), ("dependencies", .text), ("host_capabilities", .text),
            ("yanked", .boolean), ("published_at", .time), ("signing", .text),
        ]),
        table("package_file", key: ["name", "version", "file"], [
            ("name", .text), ("version", .text), ("file", .text), ("path", .text), ("digest", .text), ("size", .integer),
            ("media_type", .text), ("role", .text),
        ]),
        table("deployment", key: ["name"], [
            ("name", .text), ("generation", .integer), ("status", .text), ("record", .text), ("updated_at", .time),
        ]),
        table("api_token", key: ["id"], [
            ("id", .text), ("name", .text), ("role", .text), ("secret_hash", .text), ("created_at", .time),
            ("created_by", .text), ("bootstrap", .boolean),
        ]),
        table("audit_entry", key: ["id"], identity: "id", [
            ("id", .integer), ("time", .time), ("token", .text), ("name", .text), ("role", .text), ("method", .text),
            ("path", .text), ("status", .integer),
        ]),
        table("join_token", key: ["id"], [
            ("id", .text), ("secret_hash", .text), ("created_at", .time), ("expires_at", .time), ("uses_left", .integer),
            ("labels", .text), ("created_by", .text),
        ]),
        table("device_certificate", key: ["serial"], [
            ("serial", .text), ("device_id", .text), ("issued_at", .time), ("not_after", .time), ("join_token", .text),
            ("labels", .text), ("revoked_at", .time),
        ]),
    ]
}
