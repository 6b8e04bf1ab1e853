import Foundation
import PostgresNIO
import TideModel
import TideStore

// MARK: The registry's index

extension PostgresFleetStore {
    static let versionColumns = """
        name, version, description, manifest, metadata, module_digest, module_size, dependencies, host_capabilities,
        yanked, published_at, signing
        """

    public func packageVersions(named name: String?) async throws(StoreError) -> [PackageVersionRecord] {
        try await read("loading package versions") { connection in
            try await rows(
                """
                SELECT \(unescaped: Self.versionColumns) FROM package_version
                WHERE \(name)::text IS NULL OR name = \(name) ORDER BY name COLLATE "C", version COLLATE "C"
                """, on: connection
            ).map { row in
                let (
                    name, version, description, manifest, metadata, moduleDigest, moduleSize, dependencies, capabilities,
                    yanked, publishedAt, signing
                ) = try row.decode((String, String, String, String, String, String, Int, String, String, Bool, Date, String?).self)
                return PackageVersionRecord(
                    name: name, version: version, description: description, manifest: manifest, metadata: metadata,
                    moduleDigest: moduleDigest, moduleSize: moduleSize,
                    dependencies: try PackageVersionRecord.jsonValue([String: String].self, from: dependencies, column: "dependencies"),
                    hostCapabilities: try PackageVersionRecord.jsonValue([String].self, from: capabilities, column: "host_capabilities"),
                    yanked: yanked, publishedAt: StoredTime.read(publishedAt), signing: signing)
            }
        }
    }

    public func packageFiles(name: String, version: String) async throws(StoreError) -> [PackageFileRecord] {
        try await read("loading the files of \(name) \(version)") { connection in
            try await rows(
                """
                SELECT name, version, file, path, digest, size, media_type, role FROM package_file
                WHERE name = \(name) AND version = \(version) ORDER BY file COLLATE "C"
                """, on: connection
            ).map { row in
                let (name, version, file, path, digest, size, mediaType, role) =
                    try row.decode((String, String, String, String, String, Int, String, String).self)
                return PackageFileRecord(
                    name: name, version: version, file: file, path: path, digest: digest, size: size, mediaType: mediaType, role: role)
            }
        }
    }

    @discardableResult
    public func publish(_ version: PackageVersionRecord, files: [PackageFileRecord], event: NewFleetEvent) async throws(StoreError)
        -> FleetEvent
    {
        let dependencies = try PackageVersionRecord.jsonText(version.dependencies, column: "dependencies")
        let capabilities = try PackageVersionRecord.jsonText(version.hostCapabilities, column: "host_capabilities")
        return try await write("publishing \(version.name) \(version.version)") { connection in
            // ON CONFLICT: two replicas publishing the same version at once cannot both succeed.
            let inserted = try await rows(
                """
                INSERT INTO package_version (\(unescaped: Self.versionColumns))
                VALUES (\(version.name), \(version.version), \(version.description), \(version.manifest), \(version.metadata),
                    \(version.moduleDigest), \(version.moduleSize), \(dependencies), \(capabilities), \(version.yanked),
                    \(StoredTime.written(version.publishedAt)), \(version.signing))
                ON CONFLICT (name, version) DO NOTHING RETURNING name
                """, on: connection)
            guard !inserted.isEmpty else {
                throw StoreError.conflict(
                    "\(version.name) \(version.version) is already published; versions are immutable, publish a new version")
            }
            for file in files {
                try await run(
                    """
                    INSERT INTO package_file (name, version, file, path, digest, size, media_type, role)
                    VALUES (\(file.name), \(file.version), \(file.file), \(file.path), \(file.digest), \(file.size),
                        \(file.mediaType), \(file.role))
                    """, on: connection)
            }
            return try await insert(event, on: connection)
        }
    }

    @discardableResult
    public func setYanked(name: String, version: String, yanked: Bool, event: NewFleetEvent) async throws(StoreError) -> FleetEvent? {
        try await write("yanking \(name) \(version)") { connection in
            let changed = try await rows(
                "UPDATE package_version SET yanked = \(yanked) WHERE name = \(name) AND version = \(version) RETURNING name",
                on: connection)
            guard !changed.isEmpty else { return nil }
            return try await insert(event, on: connection)
        }
    }

    public func isBlobReferenced(_ digest: String) async throws(StoreError) -> Bool {
        try await read("checking blob \(digest)") { connection in
            try await !rows("SELECT 1 FROM package_file WHERE digest = \(digest) LIMIT 1", on: connection).isEmpty
        }
    }
}
