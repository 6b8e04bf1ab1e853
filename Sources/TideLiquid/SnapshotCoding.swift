import Crypto
import Foundation
import TidePackageFormat

/// The snapshot file: `TIDESNAP`, the format version and a JSON header (module, its digest, when,
/// the globals, the files' paths and sizes, a delta's base), then the memory page by page (a page
/// of zeros is one byte, a delta's page as in its base too), then the files' bytes in the header's order, then the SHA-256 of everything before it. A damaged or truncated file fails the digest before anything is read.
public enum SnapshotCoding {
    static let magic = Array("TIDESNAP".utf8)
    static let version: UInt32 = 1
    /// Magic, version, header length, page count and the digest.
    static let fixedBytes = 8 + 4 + 4 + 4 + 32

    private struct Header: Codable {
        var module: String
        var moduleDigest: BlobDigest
        var takenAt: Double
        var globals: [String: SnapshotGlobal]
        /// Left out when the directory holds no files.
        var files: [FileEntry]?
        /// A delta's base: the digest of the snapshot file its kind-2 pages are as in.
        var base: BlobDigest?
    }

    private struct FileEntry: Codable {
        var path: String
        var size: Int
    }

    /// What a snapshot file holds: a whole state, or the changes since a base snapshot.
    public enum Contents: Sendable, Equatable {
        case whole(InstanceSnapshot)
        case delta(SnapshotDelta)
    }

    public static func encode(_ snapshot: InstanceSnapshot) throws(SnapshotError) -> [UInt8] {
        guard snapshot.memory.count % InstanceSnapshot.pageBytes == 0 else {
            throw .incompatible("its memory is \(snapshot.memory.count) bytes, not a whole number of 64 KiB pages")
        }
        let pages = snapshot.memory.count / InstanceSnapshot.pageBytes
        let header = Header(
            module: snapshot.module, moduleDigest: snapshot.moduleDigest, takenAt: snapshot.takenAt.timeIntervalSince1970,
            globals: snapshot.globals, files: entries(snapshot.files), base: nil)
        return try file(header, pageCount: pages, pageBytes: snapshot.memory.count, files: snapshot.files) { bytes in
            snapshot.memory.withUnsafeBytes { memory in
                for page in 0..<pages {
                    appendPage(UnsafeRawBufferPointer(rebasing: memory[(page * InstanceSnapshot.pageBytes)..<((page + 1) * InstanceSnapshot.pageBytes)]), to: &bytes)
                }
            }
        }
    }

    /// The file of a delta: pages as in its base are one byte (kind 2).
    public static func encode(_ delta: SnapshotDelta) throws(SnapshotError) -> [UInt8] {
        if let bad = delta.misplacedPage {
            throw .incompatible("its changed page \(bad) is out of order, out of range or not 64 KiB")
        }
        let header = Header(
            module: delta.module, moduleDigest: delta.moduleDigest, takenAt: delta.takenAt.timeIntervalSince1970,
            globals: delta.globals, files: entries(delta.files), base: delta.base)
        return try file(header, pageCount: delta.pageCount, pageBytes: delta.changedBytes, files: delta.files) { bytes in
            var next = 0
            for index in 0..<delta.pageCount {
                guard next < delta.pages.count, delta.pages[next].index == index else {
                    bytes.append(2)
                    continue
                }
                let changed = delta.pages[next].bytes
                next += 1
                if changed.isEmpty {
                    bytes.append(0)
                } else {
                    changed.withUnsafeBytes { appendPage($0, to: &bytes) }
                }
            }
        }
    }

    private static func entries(_ files: [SnapshotFile]) -> [FileEntry]? {
        files.isEmpty ? nil : files.map { FileEntry(path: $0.path, size: $0.bytes.count) }
    }

    /// Magic, version, header, page count, the pages `writePages` appends, the files, the digest.
    private static func file(
        _ header: Header, pageCount: Int, pageBytes: Int, files: [SnapshotFile], writePages: (inout [UInt8]) -> Void
    ) throws(SnapshotError) -> [UInt8] {
        let encoded: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            encoded = try encoder.encode(header)
        } catch {
            throw .incompatible("its header cannot be written: \(error)")
        }
        guard encoded.count <= SnapshotLimits.maxHeaderBytes else {
            throw .tooLarge("its header is \(encoded.count) bytes, more than \(SnapshotLimits.maxHeaderBytes)")
        }
        let fileBytes = files.reduce(0) { $0 + $1.bytes.count }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fixedBytes + encoded.count + pageCount + pageBytes + fileBytes)
        bytes += magic
        append(version, to: &bytes)
        append(UInt32(encoded.count), to: &bytes)
        bytes += encoded
        append(UInt32(pageCount), to: &bytes)
        writePages(&bytes)
        for file in files { bytes += file.bytes }
        bytes += SHA256.hash(data: bytes)
        return bytes
    }

    private static func appendPage(_ page: UnsafeRawBufferPointer, to bytes: inout [UInt8]) {
        if isZero(page) {
            bytes.append(0)
        } else {
            bytes.append(1)
            bytes.append(contentsOf: page)
        }
    }

    /// What a snapshot file says of itself, checked as `decode` checks it (digest first, then the
    /// sizes) but without reading its memory: what a server that stores snapshots needs.
    public struct Summary: Sendable, Equatable {
        public var module: String
        public var moduleDigest: BlobDigest
        public var takenAt: Date
        public var memoryBytes: Int
        public var files: Int
        /// The file's own digest (its last 32 bytes).
        public var digest: BlobDigest
    }

    public static func summary(of bytes: [UInt8], limits: SnapshotLimits = .default) throws(SnapshotError) -> Summary {
        let (header, pages, _) = try checkedHeader(bytes, limits: limits)
        if let base = header.base {
            throw .incompatible("it holds only the changes since snapshot \(base.hex.prefix(12)), not a whole state")
        }
        guard let digest = digest(of: bytes) else { throw .damaged("it has no digest") }
        return Summary(
            module: header.module, moduleDigest: header.moduleDigest, takenAt: Date(timeIntervalSince1970: header.takenAt),
            memoryBytes: pages * InstanceSnapshot.pageBytes, files: header.files?.count ?? 0, digest: digest)
    }

    /// Reads a whole snapshot, checking its digest first and every size against `limits`.
    public static func decode(_ bytes: [UInt8], limits: SnapshotLimits = .default) throws(SnapshotError) -> InstanceSnapshot {
        switch try decodeContents(bytes, limits: limits) {
        case .whole(let snapshot): return snapshot
        case .delta(let delta):
            throw .incompatible("it holds only the changes since snapshot \(delta.base.hex.prefix(12)), not a whole state")
        }
    }

    /// Reads a whole snapshot or a delta, checking its digest first and every size against `limits`.
    public static func decodeContents(_ bytes: [UInt8], limits: SnapshotLimits = .default) throws(SnapshotError) -> Contents {
        let (header, pages, start) = try checkedHeader(bytes, limits: limits)
        let body = bytes.count - 32
        var offset = start
        let pageBytes = InstanceSnapshot.pageBytes
        // Where each page's bytes start, -1 for zeros, -2 for as in the base.
        var sources: [Int] = []
        sources.reserveCapacity(pages)
        for page in 0..<pages {
            guard offset < body else { throw .damaged("it ends inside page \(page) of \(pages)") }
            let kind = bytes[offset]
            offset += 1
            switch kind {
            case 0: sources.append(-1)
            case 1:
                guard offset + pageBytes <= body else { throw .damaged("it ends inside page \(page) of \(pages)") }
                sources.append(offset)
                offset += pageBytes
            case 2 where header.base != nil: sources.append(-2)
            default:
                throw .damaged(
                    "page \(page) has kind \(kind); expected 0 (zeros), 1 (bytes)\(header.base == nil ? "" : " or 2 (as in the base)")")
            }
        }
        var files: [SnapshotFile] = []
        for entry in header.files ?? [] {
            guard entry.size <= body - offset else { throw .damaged("it ends inside file \(entry.path.prefix(80))") }
            files.append(SnapshotFile(path: entry.path, bytes: Array(bytes[offset..<(offset + entry.size)])))
            offset += entry.size
        }
        guard offset == body else { throw .damaged("\(body - offset) bytes follow its last page and file") }
        let takenAt = Date(timeIntervalSince1970: header.takenAt)
        if let base = header.base {
            var changed: [SnapshotDelta.Page] = []
            for (index, source) in sources.enumerated() where source != -2 {
                changed.append(SnapshotDelta.Page(index: index, bytes: source < 0 ? [] : Array(bytes[source..<(source + pageBytes)])))
            }
            return .delta(SnapshotDelta(
                base: base, module: header.module, moduleDigest: header.moduleDigest, takenAt: takenAt, pageCount: pages,
                pages: changed, globals: header.globals, files: files))
        }
        let memory = [UInt8](unsafeUninitializedCapacity: pages * pageBytes) { buffer, count in
            let target = UnsafeMutableRawBufferPointer(buffer)
            bytes.withUnsafeBytes { source in
                for (page, from) in sources.enumerated() {
                    let slice = UnsafeMutableRawBufferPointer(rebasing: target[(page * pageBytes)..<((page + 1) * pageBytes)])
                    if from < 0 {
                        slice.initializeMemory(as: UInt8.self, repeating: 0)
                    } else {
                        slice.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[from..<(from + pageBytes)]))
                    }
                }
            }
            count = pages * pageBytes
        }
        return .whole(InstanceSnapshot(
            module: header.module, moduleDigest: header.moduleDigest, takenAt: takenAt, memory: memory, globals: header.globals,
            files: files))
    }

    /// The file's digest, magic, version, header and page count, each checked against `limits`;
    /// where its pages start.
    private static func checkedHeader(_ bytes: [UInt8], limits: SnapshotLimits) throws(SnapshotError)
        -> (header: Header, pages: Int, pagesStart: Int)
    {
        guard bytes.count >= fixedBytes + 2 else { throw .damaged("it is \(bytes.count) bytes, too short to be a snapshot (truncated?)") }
        guard bytes.count <= limits.maxEncodedBytes else {
            throw .tooLarge("it is \(bytes.count) bytes; with at most \(limits.maxMemoryBytes) bytes of memory a snapshot is at most \(limits.maxEncodedBytes)")
        }
        let body = bytes.count - 32
        guard Array(SHA256.hash(data: bytes[0..<body])) == Array(bytes[body...]) else {
            throw .damaged("its SHA-256 does not match its contents (corrupted or truncated)")
        }
        guard Array(bytes[0..<8]) == magic else { throw .damaged("it does not start with TIDESNAP") }
        var offset = 8
        let fileVersion = readUInt32(bytes, &offset)
        guard fileVersion == version else { throw .damaged("it is format version \(fileVersion); this Tide reads version \(version)") }
        let headerLength = Int(readUInt32(bytes, &offset))
        guard headerLength <= SnapshotLimits.maxHeaderBytes, offset + headerLength + 4 <= body else {
            throw .damaged("its header length \(headerLength) does not fit the file")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[offset..<(offset + headerLength)]))
        } catch {
            throw .damaged("its header is not valid: \(error)")
        }
        offset += headerLength
        guard header.globals.count <= limits.maxGlobals else {
            throw .tooLarge("it has \(header.globals.count) globals, more than \(limits.maxGlobals)")
        }
        try checkFiles(header.files ?? [], limits: limits)
        let pages = Int(readUInt32(bytes, &offset))
        guard pages <= limits.maxMemoryBytes / InstanceSnapshot.pageBytes else {
            throw .tooLarge("its memory is \(pages) pages (\(pages * InstanceSnapshot.pageBytes) bytes), more than \(limits.maxMemoryBytes) bytes")
        }
        return (header, pages, offset)
    }

    /// Paths inside the directory, each once; counts and sizes within the limits.
    private static func checkFiles(_ files: [FileEntry], limits: SnapshotLimits) throws(SnapshotError) {
        guard files.count <= limits.maxFiles else { throw .tooLarge("it holds \(files.count) files, more than \(limits.maxFiles)") }
        var total = 0
        var seen: Set<String> = []
        for file in files {
            if let problem = SnapshotFile.problem(with: file.path) { throw .damaged(problem) }
            guard seen.insert(file.path).inserted else { throw .damaged("it holds \"\(file.path.prefix(80))\" twice") }
            guard file.size >= 0, file.size <= limits.maxFileBytes - total else {
                throw .tooLarge("its files hold more than \(limits.maxFileBytes) bytes")
            }
            total += file.size
        }
    }

    /// The digest a snapshot file ends with: the SHA-256 of the rest, its name where it is stored.
    public static func digest(of bytes: [UInt8]) -> BlobDigest? {
        guard bytes.count >= fixedBytes else { return nil }
        return BlobDigest(digestBytes: bytes.suffix(32))
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    private static func readUInt32(_ bytes: [UInt8], _ offset: inout Int) -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * index) }
        offset += 4
        return value
    }

    private static func isZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var combined: UInt64 = 0
        var index = 0
        while index + 8 <= bytes.count {
            combined |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            combined |= UInt64(bytes[index])
            index += 1
        }
        return combined == 0
    }
}
