import TideStore

/// What `tide datastore migrate` copied and whether the copy, read back, equals the source.
public struct MigrationReport: Sendable, Codable, Equatable {
    public struct TableCheck: Sendable, Codable, Equatable {
        public var table: String
        public var sourceRows: Int
        public var targetRows: Int
        /// SHA-256 of the table's canonical content (`StoreSnapshot.Table.contentDigest`).
        public var sourceDigest: String
        public var targetDigest: String
        public var matches: Bool { sourceRows == targetRows && sourceDigest == targetDigest }

        enum CodingKeys: String, CodingKey {
            case table, sourceRows, targetRows, sourceDigest, targetDigest, matches
        }

        public init(table: String, sourceRows: Int, targetRows: Int, sourceDigest: String, targetDigest: String) {
            self.table = table
            self.sourceRows = sourceRows
            self.targetRows = targetRows
            self.sourceDigest = sourceDigest
            self.targetDigest = targetDigest
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                table: try container.decode(String.self, forKey: .table), sourceRows: try container.decode(Int.self, forKey: .sourceRows),
                targetRows: try container.decode(Int.self, forKey: .targetRows),
                sourceDigest: try container.decode(String.self, forKey: .sourceDigest),
                targetDigest: try container.decode(String.self, forKey: .targetDigest))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(table, forKey: .table)
            try container.encode(sourceRows, forKey: .sourceRows)
            try container.encode(targetRows, forKey: .targetRows)
            try container.encode(sourceDigest, forKey: .sourceDigest)
            try container.encode(targetDigest, forKey: .targetDigest)
            try container.encode(matches, forKey: .matches)
        }
    }

    public struct BlobCheck: Sendable, Codable, Equatable {
        /// Blob files copied from the source directory (each checked against its name when read).
        public var sourceBlobs: Int
        public var targetBlobs: Int
        /// Digests in one place and not the other.
        public var missing: [String]
        public var unexpected: [String]
        /// Target blobs whose bytes, hashed by PostgreSQL, do not give their digest.
        public var corrupt: [String]
        public var matches: Bool { missing.isEmpty && unexpected.isEmpty && corrupt.isEmpty }
    }

    /// `sqlite:PATH`.
    public var source: String
    /// The target URL, password shown as `***`.
    public var target: String
    public var blobDirectory: String
    public var tables: [TableCheck]
    public var blobs: BlobCheck
    public var matches: Bool { tables.allSatisfy(\.matches) && blobs.matches }

    /// One line per difference, for the error message.
    public var differences: [String] {
        var lines = tables.filter { !$0.matches }.map { check in
            check.sourceRows == check.targetRows
                ? "\(check.table): same row count (\(check.sourceRows)) but different content"
                : "\(check.table): \(check.sourceRows) rows in the source, \(check.targetRows) in the target"
        }
        if !blobs.missing.isEmpty { lines.append("blobs missing from the target: \(blobs.missing.joined(separator: ", "))") }
        if !blobs.unexpected.isEmpty { lines.append("blobs only in the target: \(blobs.unexpected.joined(separator: ", "))") }
        if !blobs.corrupt.isEmpty { lines.append("blobs whose bytes do not match their digest: \(blobs.corrupt.joined(separator: ", "))") }
        return lines
    }

    /// Compares what was copied with what the target holds.
    public init(
        source: String, target: String, blobDirectory: String, copied: StoreSnapshot, readBack: StoreSnapshot, copiedBlobs: [String],
        targetBlobs: [(digest: String, content: String)]
    ) {
        self.source = source
        self.target = target
        self.blobDirectory = blobDirectory
        tables = copied.tables.map { table in
            let other = readBack.table(table.name)
            return TableCheck(
                table: table.name, sourceRows: table.rows.count, targetRows: other?.rows.count ?? 0, sourceDigest: table.contentDigest,
                targetDigest: other?.contentDigest ?? "-")
        }
        let copiedSet = Set(copiedBlobs)
        let targetSet = Set(targetBlobs.map(\.digest))
        blobs = BlobCheck(
            sourceBlobs: copiedBlobs.count, targetBlobs: targetBlobs.count, missing: copiedBlobs.filter { !targetSet.contains($0) },
            unexpected: targetBlobs.map(\.digest).filter { !copiedSet.contains($0) },
            corrupt: targetBlobs.filter { $0.digest != $0.content }.map(\.digest))
    }

    enum CodingKeys: String, CodingKey {
        case source, target, blobDirectory, tables, blobs, matches
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(String.self, forKey: .source)
        target = try container.decode(String.self, forKey: .target)
        blobDirectory = try container.decode(String.self, forKey: .blobDirectory)
        tables = try container.decode([TableCheck].self, forKey: .tables)
        blobs = try container.decode(BlobCheck.self, forKey: .blobs)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(target, forKey: .target)
        try container.encode(blobDirectory, forKey: .blobDirectory)
        try container.encode(tables, forKey: .tables)
        try container.encode(blobs, forKey: .blobs)
        try container.encode(matches, forKey: .matches)
    }
}
