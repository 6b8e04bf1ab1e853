import TideModel

/// The PostgreSQL schema: the SQLite migrator's migrations (`Sources/TideStore/Schema/Migrations.swift`)
/// with the same ids, in the same order, giving the same tables and columns. Column types map as
/// text -> text, integer -> bigint, datetime -> timestamptz, boolean -> boolean; JSON columns stay
/// text so both databases hold the same bytes (a device's description exactly as it was sent).
/// Append-only, like the SQLite list: never edit a migration that has shipped.
enum PostgresMigrations {
    struct Migration: Sendable {
        var id: String
        var statements: [String]
    }

    /// The table that records applied migrations (left out of schema comparisons).
    static let table = "tide_migration"

    static let all: [Migration] = [
        Migration(
            id: "v1-inventory",
            statements: [
                """
                CREATE TABLE device (
                    id text PRIMARY KEY, name text NOT NULL, addresses text NOT NULL, port bigint NOT NULL,
                    status text NOT NULL, status_since timestamptz NOT NULL, status_reason text NOT NULL,
                    description text NOT NULL, capabilities text NOT NULL, labels text NOT NULL, health text,
                    first_seen timestamptz NOT NULL, last_seen timestamptz NOT NULL)
                """,
                """
                CREATE TABLE device_endpoint (
                    host text NOT NULL, port bigint NOT NULL,
                    device_id text NOT NULL REFERENCES device (id) ON DELETE CASCADE,
                    PRIMARY KEY (host, port))
                """,
                "CREATE INDEX device_endpoint_device ON device_endpoint (device_id)",
                """
                CREATE TABLE event (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, time timestamptz NOT NULL, kind text NOT NULL,
                    device_id text, message text NOT NULL, details text)
                """,
                "CREATE INDEX event_device ON event (device_id, id)",
            ]),
        Migration(
            id: "v2-registry",
            statements: [
                """
                CREATE TABLE package_version (
                    name text NOT NULL, version text NOT NULL, description text NOT NULL, manifest text NOT NULL,
                    metadata text NOT NULL, module_digest text NOT NULL, module_size bigint NOT NULL,
                    dependencies text NOT NULL, host_capabilities text NOT NULL, yanked boolean NOT NULL DEFAULT false,
                    published_at timestamptz NOT NULL, PRIMARY KEY (name, version))
                """,
                """
                CREATE TABLE package_file (
                    name text NOT NULL, version text NOT NULL, file text NOT NULL, path text NOT NULL,
                    digest text NOT NULL, size bigint NOT NULL, media_type text NOT NULL, role text NOT NULL,
                    PRIMARY KEY (name, version, file),
                    FOREIGN KEY (name, version) REFERENCES package_version (name, version) ON DELETE CASCADE)
                """,
                "CREATE INDEX package_file_digest ON package_file (digest)",
            ]),
        Migration(id: "v3-damping", statements: ["ALTER TABLE device ADD COLUMN damped_until timestamptz"]),
        Migration(
            id: "v4-deployments",
            statements: [
                """
                CREATE TABLE deployment (
                    name text PRIMARY KEY, generation bigint NOT NULL, status text NOT NULL, record text NOT NULL,
                    updated_at timestamptz NOT NULL)
                """
            ]),
        Migration(
            id: "v5-device-trust",
            statements: ["ALTER TABLE device ADD COLUMN trust text NOT NULL DEFAULT '\(DeviceTrust.unverified.rawValue)'"]),
        Migration(
            id: "v6-api-tokens",
            statements: [
                """
                CREATE TABLE api_token (
                    id text PRIMARY KEY, name text NOT NULL, role text NOT NULL, secret_hash text NOT NULL UNIQUE,
                    created_at timestamptz NOT NULL, created_by text, bootstrap boolean NOT NULL DEFAULT false)
                """,
                "ALTER TABLE package_version ADD COLUMN signing text",
                """
                CREATE TABLE audit_entry (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, time timestamptz NOT NULL, token text NOT NULL,
                    name text NOT NULL, role text NOT NULL, method text NOT NULL, path text NOT NULL, status bigint NOT NULL)
                """,
            ]),
        Migration(
            id: "v7-enrollment",
            statements: [
                """
                CREATE TABLE join_token (
                    id text PRIMARY KEY, secret_hash text NOT NULL UNIQUE, created_at timestamptz NOT NULL,
                    expires_at timestamptz NOT NULL, uses_left bigint NOT NULL, labels text NOT NULL, created_by text)
                """,
                """
                CREATE TABLE device_certificate (
                    serial text PRIMARY KEY, device_id text NOT NULL, issued_at timestamptz NOT NULL,
                    not_after timestamptz NOT NULL, join_token text, labels text NOT NULL DEFAULT '{}', revoked_at timestamptz)
                """,
                "CREATE INDEX device_certificate_on_device_id ON device_certificate (device_id)",
            ]),
        Migration(
            id: "v8-removed-devices",
            statements: [
                """
                CREATE TABLE removed_device (
                    id text PRIMARY KEY, name text NOT NULL, removed_at timestamptz NOT NULL, addresses text NOT NULL,
                    port bigint NOT NULL)
                """
            ]),
        // Package blobs, content-addressed by SHA-256 hex: every replica reads the same ones.
        Migration(
            id: "v9-shared-blobs",
            statements: ["CREATE TABLE tide_blob (digest text PRIMARY KEY, size bigint NOT NULL, bytes bytea NOT NULL)"]),
        // Replica membership and the leader lease (Cluster/): one lease row, seeded free in term 0.
        Migration(
            id: "v10-cluster",
            statements: [
                """
                CREATE TABLE tide_replica (
                    id text PRIMARY KEY, url text NOT NULL, started_at timestamptz NOT NULL, last_seen timestamptz NOT NULL)
                """,
                """
                CREATE TABLE tide_lease (
                    name text PRIMARY KEY, holder text, term bigint NOT NULL, expires_at timestamptz NOT NULL)
                """,
                "INSERT INTO tide_lease (name, holder, term, expires_at) VALUES ('leader', NULL, 0, 'epoch')",
            ]),
        // What each device's latest heartbeat said it runs, for the replica that leads.
        Migration(id: "v11-reported-deployments", statements: ["ALTER TABLE device ADD COLUMN reported text"]),
        // When each device's latest heartbeat arrived, for the replica watching it.
        Migration(id: "v12-heard", statements: ["ALTER TABLE device ADD COLUMN heard timestamptz"]),
        // Cordoned devices and the last checkpoint of each stateful step.
        Migration(
            id: "v13-liquid",
            statements: [
                "ALTER TABLE device ADD COLUMN cordoned_at timestamptz",
                """
                CREATE TABLE state_checkpoint (
                    deployment text NOT NULL, step text NOT NULL, generation bigint NOT NULL, module_digest text NOT NULL,
                    digest text NOT NULL, taken_at timestamptz NOT NULL, size bigint NOT NULL, bytes bytea NOT NULL,
                    PRIMARY KEY (deployment, step))
                """,
            ]),
        // Whether a replica holds its presence lock (ReplicaPresence): the others then learn of its
        // death from the lock, not only from its heartbeats.
        Migration(
            id: "v14-replica-presence",
            statements: ["ALTER TABLE tide_replica ADD COLUMN presence boolean NOT NULL DEFAULT false"]),
    ]

    static var ids: [String] { all.map(\.id) }
}
