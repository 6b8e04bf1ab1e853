import GRDB
import TideModel

/// The database schema, one migration per change. Never edit a migration that has shipped; add one.
/// Each migration has a PostgreSQL twin with the same id (`Sources/TidePostgresStore/Schema/PostgresMigrations.swift`);
/// the StoreConformance tests fail until both give the same tables and columns.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-inventory") { db in
            try db.create(table: "device") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("addresses", .jsonText).notNull()
                table.column("port", .integer).notNull()
                table.column("status", .text).notNull()
                table.column("status_since", .datetime).notNull()
                table.column("status_reason", .text).notNull()
                table.column("description", .jsonText).notNull()
                table.column("capabilities", .jsonText).notNull()
                table.column("labels", .jsonText).notNull()
                table.column("health", .jsonText)
                table.column("first_seen", .datetime).notNull()
                table.column("last_seen", .datetime).notNull()
            }
            try db.create(table: "device_endpoint") { table in
                table.column("host", .text).notNull()
                table.column("port", .integer).notNull()
                table.column("device_id", .text).notNull()
                    .references("device", onDelete: .cascade)
                table.primaryKey(["host", "port"])
            }
            try db.create(index: "device_endpoint_device", on: "device_endpoint", columns: ["device_id"])
            try db.create(table: "event") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("time", .datetime).notNull()
                table.column("kind", .text).notNull()
                table.column("device_id", .text)
                table.column("message", .text).notNull()
                table.column("details", .jsonText)
            }
            try db.create(index: "event_device", on: "event", columns: ["device_id", "id"])
        }
        migrator.registerMigration("v2-registry") { db in
            try db.create(table: "package_version") { table in
                table.column("name", .text).notNull()
                table.column("version", .text).notNull()
                table.column("description", .text).notNull()
                table.column("manifest", .text).notNull()
                table.column("metadata", .jsonText).notNull()
                table.column("module_digest", .text).notNull()
                table.column("module_size", .integer).notNull()
                table.column("dependencies", .jsonText).notNull()
                table.column("host_capabilities", .jsonText).notNull()
                table.column("yanked", .boolean).notNull().defaults(to: false)
                table.column("published_at", .datetime).notNull()
                table.primaryKey(["name", "version"])
            }
            try db.create(table: "package_file") { table in
                table.column("name", .text).notNull()
                table.column("version", .text).notNull()
                table.column("file", .text).notNull()
                table.column("path", .text).notNull()
                table.column("digest", .text).notNull()
                table.column("size", .integer).notNull()
                table.column("media_type", .text).notNull()
                table.column("role", .text).notNull()
                table.primaryKey(["name", "version", "file"])
                table.foreignKey(["name", "version"], references: "package_version", onDelete: .cascade)
            }
            try db.create(index: "package_file_digest", on: "package_file", columns: ["digest"])
        }
        migrator.registerMigration("v3-damping") { db in
            try db.alter(table: "device") { table in
                table.add(column: "damped_until", .datetime)
            }
        }
        migrator.registerMigration("v4-deployments") { db in
            try db.create(table: "deployment") { table in
                table.primaryKey("name", .text)
                table.column("generation", .integer).notNull()
                table.column("status", .text).notNull()
                table.column("record", .text).notNull()
                table.column("updated_at", .datetime).notNull()
            }
        }
        // Devices stored before trust existed entered by any route: they are unverified until an
        // operator approves them or their supervisor proves the fleet token (its next heartbeat).
        migrator.registerMigration("v5-device-trust") { db in
            try db.alter(table: "device") { table in
                table.add(column: "trust", .text).notNull().defaults(to: DeviceTrust.unverified.rawValue)
            }
        }
        migrator.registerMigration("v6-api-tokens") { db in
            try db.create(table: "api_token") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("role", .text).notNull()
                table.column("secret_hash", .text).notNull().unique()
                table.column("created_at", .datetime).notNull()
                table.column("created_by", .text)
                table.column("bootstrap", .boolean).notNull().defaults(to: false)
            }
            try db.alter(table: "package_version") { table in
                table.add(column: "signing", .text)
            }
            try db.create(table: "audit_entry") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("time", .datetime).notNull()
                table.column("token", .text).notNull()
                table.column("name", .text).notNull()
                table.column("role", .text).notNull()
                table.column("method", .text).notNull()
                table.column("path", .text).notNull()
                table.column("status", .integer).notNull()
            }
        }
        migrator.registerMigration("v7-enrollment") { db in
            try db.create(table: "join_token") { table in
                table.primaryKey("id", .text)
                table.column("secret_hash", .text).notNull().unique()
                table.column("created_at", .datetime).notNull()
                table.column("expires_at", .datetime).notNull()
                table.column("uses_left", .integer).notNull()
                table.column("labels", .text).notNull()
                table.column("created_by", .text)
            }
            try db.create(table: "device_certificate") { table in
                table.primaryKey("serial", .text)
                table.column("device_id", .text).notNull().indexed()
                table.column("issued_at", .datetime).notNull()
                table.column("not_after", .datetime).notNull()
                table.column("join_token", .text)
                table.column("labels", .text).notNull().defaults(to: "{}")
                table.column("revoked_at", .datetime)
            }
        }
        // Devices an operator removed: their heartbeats and registrations are refused until an
        // operator adds them again or they enroll with a new join token.
        migrator.registerMigration("v8-removed-devices") { db in
            try db.create(table: "removed_device") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("removed_at", .datetime).notNull()
                table.column("addresses", .jsonText).notNull()
                table.column("port", .integer).notNull()
            }
        }
        // Package blobs shared by replicas (issue 19). Used on PostgreSQL only: with SQLite the blobs
        // stay files in the data directory and this table stays empty; it exists so that both
        // backends keep the same tables and columns.
        migrator.registerMigration("v9-shared-blobs") { db in
            try db.create(table: "tide_blob") { table in
                table.primaryKey("digest", .text)
                table.column("size", .integer).notNull()
                table.column("bytes", .blob).notNull()
            }
        }
        // Replica membership and the leader lease of servers sharing a PostgreSQL datastore
        // (PostgresFleetStore's ClusterCoordinator). A SQLite store has one replica and never
        // writes them (SingleReplicaCoordinator); they exist so both backends have one schema.
        migrator.registerMigration("v10-cluster") { db in
            try db.create(table: "tide_replica") { table in
                table.primaryKey("id", .text)
                table.column("url", .text).notNull()
                table.column("started_at", .datetime).notNull()
                table.column("last_seen", .datetime).notNull()
            }
            try db.create(table: "tide_lease") { table in
                table.primaryKey("name", .text)
                table.column("holder", .text)
                table.column("term", .integer).notNull()
                table.column("expires_at", .datetime).notNull()
            }
        }
        // What each device's latest heartbeat said it runs (JSON: deployment -> generation), written
        // with its health, so that the replica that leads sees heartbeats another replica received.
        migrator.registerMigration("v11-reported-deployments") { db in
            try db.alter(table: "device") { table in table.add(column: "reported", .text) }
        }
        // When each device's latest heartbeat arrived (last_seen counts probes too), so that the
        // replica watching a device sees heartbeats another replica received.
        migrator.registerMigration("v12-heard") { db in
            try db.alter(table: "device") { table in table.add(column: "heard", .datetime) }
        }
        // Cordoned devices (no new work) and the last checkpoint of each stateful step (issue 20).
        migrator.registerMigration("v13-liquid") { db in
            try db.alter(table: "device") { table in table.add(column: "cordoned_at", .datetime) }
            try db.create(table: "state_checkpoint") { table in
                table.column("deployment", .text).notNull()
                table.column("step", .text).notNull()
                table.column("generation", .integer).notNull()
                table.column("module_digest", .text).notNull()
                table.column("digest", .text).notNull()
                table.column("taken_at", .datetime).notNull()
                table.column("size", .integer).notNull()
                table.column("bytes", .blob).notNull()
                table.primaryKey(["deployment", "step"])
            }
        }
        // Whether a replica on PostgreSQL holds its presence lock (unused with SQLite, as v10).
        migrator.registerMigration("v14-replica-presence") { db in
            try db.alter(table: "tide_replica") { table in table.add(column: "presence", .boolean).notNull().defaults(to: false) }
        }
        return migrator
    }
}
