import Foundation
import Testing
import TideLiquid
import TidePackageFormat

@Suite("Snapshot file")
struct SnapshotCodingTests {
    static let digest = BlobDigest(of: Array("counter module".utf8))

    static func snapshot(pages: Int, fill: (Int) -> UInt8 = { $0 % 251 == 0 ? 0 : UInt8($0 % 256) }) -> InstanceSnapshot {
        var memory = [UInt8](repeating: 0, count: pages * InstanceSnapshot.pageBytes)
        // Every other page holds bytes; the rest stay zero (written as one byte each).
        for page in stride(from: 0, to: pages, by: 2) {
            for index in 0..<1000 { memory[page * InstanceSnapshot.pageBytes + index * 7] = fill(index + page) }
        }
        return InstanceSnapshot(
            module: "counter", moduleDigest: digest, takenAt: Date(timeIntervalSince1970: 1_900_000_000.25), memory: memory,
            globals: ["count": SnapshotGlobal(kind: .i64, bits: 41), "scale": SnapshotGlobal(kind: .f32, bits: UInt64(Float(1.5).bitPattern))])
    }

    @Test("a snapshot round-trips exactly; zero pages take one byte")
    func roundTrip() throws {
        for pages in [0, 1, 2, 17] {
            let snapshot = Self.snapshot(pages: pages)
            let bytes = try SnapshotCoding.encode(snapshot)
            #expect(try SnapshotCoding.decode(bytes) == snapshot)
            #expect(bytes.count < 600 + (pages + 1) / 2 * (InstanceSnapshot.pageBytes + 1) + pages / 2)
            #expect(SnapshotCoding.digest(of: bytes) != nil)
        }
    }

    @Test("a summary says what the file holds without reading its memory, checked as decode checks it")
    func summary() throws {
        let snapshot = Self.snapshot(pages: 5)
        let bytes = try SnapshotCoding.encode(snapshot)
        let summary = try SnapshotCoding.summary(of: bytes)
        #expect(summary.module == "counter" && summary.moduleDigest == Self.digest && summary.takenAt == snapshot.takenAt)
        #expect(summary.memoryBytes == 5 * InstanceSnapshot.pageBytes && summary.digest == SnapshotCoding.digest(of: bytes))
        var damaged = bytes
        damaged[bytes.count / 2] ^= 1
        #expect(throws: SnapshotError.damaged("its SHA-256 does not match its contents (corrupted or truncated)")) {
            try SnapshotCoding.summary(of: damaged)
        }
        #expect(throws: SnapshotError.self) {
            try SnapshotCoding.summary(of: bytes, limits: SnapshotLimits(maxMemoryBytes: InstanceSnapshot.pageBytes, maxGlobals: 8))
        }
    }

    @Test("files round-trip in the digest's cover; paths outside the directory, twins and excess are refused")
    func files() throws {
        var snapshot = Self.snapshot(pages: 2)
        snapshot.files = [SnapshotFile(path: "a.txt", bytes: Array("hello".utf8)), SnapshotFile(path: "d/e/f.bin", bytes: [0, 1, 2])]
        let bytes = try SnapshotCoding.encode(snapshot)
        #expect(try SnapshotCoding.decode(bytes) == snapshot)
        #expect(try SnapshotCoding.summary(of: bytes).files == 2)
        for (path, problem) in [
            ("../x", "\"../x\" is not a relative path inside the directory"), ("/etc/passwd", "\"/etc/passwd\" is not a relative path inside the directory"),
            ("a//b", "\"a//b\" is not a relative path inside the directory"), ("a/./b", "\"a/./b\" is not a relative path inside the directory"),
            ("", "a file path must be 1-1024 bytes"), ("1/2/3/4/5/6/7/8/9", "\"1/2/3/4/5/6/7/8/9\" is more than 8 directories deep"),
        ] {
            var bad = snapshot
            bad.files = [SnapshotFile(path: path, bytes: [1])]
            #expect(throws: SnapshotError.damaged(problem)) { try SnapshotCoding.decode(try SnapshotCoding.encode(bad)) }
        }
        var twins = snapshot
        twins.files = [SnapshotFile(path: "a", bytes: [1]), SnapshotFile(path: "a", bytes: [2])]
        #expect(throws: SnapshotError.damaged("it holds \"a\" twice")) { try SnapshotCoding.decode(try SnapshotCoding.encode(twins)) }
        let small = SnapshotLimits(maxMemoryBytes: 4 * InstanceSnapshot.pageBytes, maxGlobals: 8, maxFiles: 1, maxFileBytes: 4)
        #expect(throws: SnapshotError.tooLarge("it holds 2 files, more than 1")) { try SnapshotCoding.decode(bytes, limits: small) }
        var big = snapshot
        big.files = [SnapshotFile(path: "a", bytes: [1, 2, 3, 4, 5])]
        #expect(throws: SnapshotError.tooLarge("its files hold more than 4 bytes")) {
            try SnapshotCoding.decode(try SnapshotCoding.encode(big), limits: small)
        }
    }

    @Test("an i32 or f32 global keeps only its low 32 bits")
    func globalBits() {
        #expect(SnapshotGlobal(kind: .i32, bits: 0x1_0000_0005).bits == 5)
        #expect(SnapshotGlobal(kind: .i64, bits: 0x1_0000_0005).bits == 0x1_0000_0005)
    }

    @Test("every flipped byte and every truncation is caught by the digest, nothing decoded")
    func damage() throws {
        let bytes = try SnapshotCoding.encode(Self.snapshot(pages: 3))
        for index in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            var damaged = bytes
            damaged[index] ^= 0x5A
            #expect(throws: SnapshotError.damaged("its SHA-256 does not match its contents (corrupted or truncated)")) {
                try SnapshotCoding.decode(damaged)
            }
        }
        for length in [0, 10, 53, 54, bytes.count / 2, bytes.count - 1] {
            #expect(throws: SnapshotError.self) { try SnapshotCoding.decode(Array(bytes.prefix(length))) }
        }
        #expect(throws: SnapshotError.damaged("it is 10 bytes, too short to be a snapshot (truncated?)")) {
            try SnapshotCoding.decode(Array(bytes.prefix(10)))
        }
    }

    @Test("a snapshot larger than the limits is refused before its digest is computed")
    func limits() throws {
        let full = InstanceSnapshot(
            module: "m", moduleDigest: Self.digest, takenAt: Date(), memory: [UInt8](repeating: 1, count: 8 * InstanceSnapshot.pageBytes),
            globals: [:])
        let bytes = try SnapshotCoding.encode(full)
        let onePage = SnapshotLimits(maxMemoryBytes: InstanceSnapshot.pageBytes, maxGlobals: 8)
        #expect(throws: SnapshotError.tooLarge(
            "it is \(bytes.count) bytes; with at most 65536 bytes of memory a snapshot is at most \(onePage.maxEncodedBytes)")) {
            try SnapshotCoding.decode(bytes, limits: onePage)
        }
        let some = try SnapshotCoding.encode(Self.snapshot(pages: 4))
        let fewGlobals = SnapshotLimits(maxMemoryBytes: 64 << 20, maxGlobals: 1)
        #expect(throws: SnapshotError.tooLarge("it has 2 globals, more than 1")) { try SnapshotCoding.decode(some, limits: fewGlobals) }
        // Within the size limit, too many pages for the memory limit (pages of zeros are one byte each).
        let zeros = try SnapshotCoding.encode(InstanceSnapshot(
            module: "m", moduleDigest: Self.digest, takenAt: Date(), memory: [UInt8](repeating: 0, count: 8 * InstanceSnapshot.pageBytes), globals: [:]))
        let twoPages = SnapshotLimits(maxMemoryBytes: 2 * InstanceSnapshot.pageBytes, maxGlobals: 8)
        #expect(throws: SnapshotError.tooLarge("its memory is 8 pages (524288 bytes), more than 131072 bytes")) {
            try SnapshotCoding.decode(zeros, limits: twoPages)
        }
    }

    @Test("memory that is not whole pages cannot be written")
    func partialPage() {
        let odd = InstanceSnapshot(module: "m", moduleDigest: Self.digest, takenAt: Date(), memory: [1, 2, 3], globals: [:])
        #expect(throws: SnapshotError.incompatible("its memory is 3 bytes, not a whole number of 64 KiB pages")) { try SnapshotCoding.encode(odd) }
    }

    @Test("random bytes, with or without a valid digest, never crash the reader or the summary")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<500 {
            let length = Int.random(in: 0..<2000, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if round % 2 == 0 {
                // A valid start and digest, so the reader gets past them to the header and pages.
                bytes = Array("TIDESNAP".utf8) + [1, 0, 0, 0] + bytes
                bytes += resealed(bytes)
            }
            _ = try? SnapshotCoding.decode(bytes)
            _ = try? SnapshotCoding.decodeContents(bytes)
            // What a server reads of a checkpoint a device sent.
            _ = try? SnapshotCoding.summary(of: bytes)
        }
    }

    /// The SHA-256 trailer a snapshot of `bytes` would end with.
    private func resealed(_ bytes: [UInt8]) -> [UInt8] {
        let digest = BlobDigest(of: bytes).hex
        var trailer: [UInt8] = []
        var index = digest.startIndex
        while index < digest.endIndex {
            let next = digest.index(index, offsetBy: 2)
            trailer.append(UInt8(digest[index..<next], radix: 16) ?? 0)
            index = next
        }
        return trailer
    }
}
