import Foundation
import Testing
import TideLiquid
import TidePackageFormat

@Suite("Snapshot deltas (pre-copied moves)")
struct SnapshotDeltaTests {
    static let pageBytes = InstanceSnapshot.pageBytes

    /// The base (6 pages), and the state after: page 1 changed, page 2 zeroed, pages 6-7 added,
    /// a global and the files changed.
    static func baseAndAfter() -> (base: InstanceSnapshot, after: InstanceSnapshot) {
        let base = SnapshotCodingTests.snapshot(pages: 6, fill: { UInt8(1 + $0 % 200) })
        var after = base
        after.takenAt = base.takenAt.addingTimeInterval(2)
        after.memory[1 * pageBytes + 5] = 99
        for index in (2 * pageBytes)..<(3 * pageBytes) { after.memory[index] = 0 }
        after.memory += [UInt8](repeating: 0, count: pageBytes) + [UInt8](repeating: 7, count: pageBytes)
        after.globals["count"] = SnapshotGlobal(kind: .i64, bits: 42)
        after.files = [SnapshotFile(path: "log.txt", bytes: Array("n=42".utf8))]
        return (base, after)
    }

    /// The delta from `base` to `after`, page by page, as a supervisor takes it.
    static func delta(_ base: InstanceSnapshot, _ after: InstanceSnapshot, baseDigest: BlobDigest) -> SnapshotDelta {
        var pages: [SnapshotDelta.Page] = []
        for index in 0..<(after.memory.count / pageBytes) {
            let range = (index * pageBytes)..<((index + 1) * pageBytes)
            if range.upperBound <= base.memory.count, base.memory[range] == after.memory[range] { continue }
            pages.append(SnapshotDelta.Page(index: index, bytes: Array(after.memory[range])))
        }
        return SnapshotDelta(
            base: baseDigest, module: after.module, moduleDigest: after.moduleDigest, takenAt: after.takenAt,
            pageCount: after.memory.count / pageBytes, pages: pages, globals: after.globals, files: after.files)
    }

    @Test("a delta holds only the changed pages and, applied to its base, gives the state it was taken from")
    func roundTrip() throws {
        let (base, after) = Self.baseAndAfter()
        let baseFile = try SnapshotCoding.encode(base)
        let baseDigest = try #require(SnapshotCoding.digest(of: baseFile))
        let delta = Self.delta(base, after, baseDigest: baseDigest)
        #expect(delta.pages.map(\.index) == [1, 2, 6, 7])
        let file = try SnapshotCoding.encode(delta)
        // Two pages of bytes; the zeroed and the added zero page are a byte each, the rest too.
        #expect(file.count < 2 * (Self.pageBytes + 1) + 1000)
        guard case .delta(let decoded) = try SnapshotCoding.decodeContents(file) else {
            Issue.record("a delta decoded as a whole snapshot")
            return
        }
        #expect(decoded.base == baseDigest && decoded.pageCount == 8 && decoded.pages.map(\.index) == [1, 2, 6, 7])
        var restored = try SnapshotCoding.decode(baseFile)
        try decoded.apply(to: &restored)
        #expect(restored == after)
        #expect(try SnapshotCoding.decodeContents(baseFile) == .whole(base))
    }

    @Test("a delta is not a whole state: decode and summary refuse it, naming its base")
    func notWhole() throws {
        let (base, after) = Self.baseAndAfter()
        let digest = try #require(SnapshotCoding.digest(of: try SnapshotCoding.encode(base)))
        let file = try SnapshotCoding.encode(Self.delta(base, after, baseDigest: digest))
        let message = "it holds only the changes since snapshot \(digest.hex.prefix(12)), not a whole state"
        #expect(throws: SnapshotError.incompatible(message)) { try SnapshotCoding.decode(file) }
        #expect(throws: SnapshotError.incompatible(message)) { try SnapshotCoding.summary(of: file) }
    }

    @Test("a damaged delta fails its digest; a delta of another module or with fewer pages than its base is refused")
    func refused() throws {
        let (base, after) = Self.baseAndAfter()
        let digest = try #require(SnapshotCoding.digest(of: try SnapshotCoding.encode(base)))
        var file = try SnapshotCoding.encode(Self.delta(base, after, baseDigest: digest))
        file[file.count / 3] ^= 0x40
        #expect(throws: SnapshotError.damaged("its SHA-256 does not match its contents (corrupted or truncated)")) {
            try SnapshotCoding.decodeContents(file)
        }
        var other = Self.delta(base, after, baseDigest: digest)
        other.moduleDigest = BlobDigest(of: Array("counter 2".utf8))
        var target = base
        #expect(throws: SnapshotError.self) { try other.apply(to: &target) }
        #expect(target == base)
        var shrunk = Self.delta(base, after, baseDigest: digest)
        shrunk.pageCount = 3
        shrunk.pages = []
        #expect(throws: SnapshotError.incompatible("its memory (3 pages) is smaller than its base's (6 pages)")) { try shrunk.apply(to: &target) }
        var unordered = Self.delta(base, after, baseDigest: digest)
        unordered.pages.reverse()
        #expect(throws: SnapshotError.incompatible("its changed page 6 is out of order, out of range or not 64 KiB")) {
            try SnapshotCoding.encode(unordered)
        }
    }

    @Test("page kind 2 (as in the base) is refused in a whole snapshot")
    func kindTwoNeedsBase() throws {
        var file = try SnapshotCoding.encode(SnapshotCodingTests.snapshot(pages: 1))
        let pageKind = file.count - 32 - (Self.pageBytes + 1)
        #expect(file[pageKind] == 1)
        file = Array(file[..<pageKind]) + [2] + Array(file[(pageKind + 1 + Self.pageBytes)..<(file.count - 32)])
        file += BlobDigest(of: file).hex.hexBytes
        #expect(throws: SnapshotError.damaged("page 0 has kind 2; expected 0 (zeros), 1 (bytes)")) { try SnapshotCoding.decodeContents(file) }
    }
}

extension String {
    fileprivate var hexBytes: [UInt8] {
        var bytes: [UInt8] = []
        var index = startIndex
        while index < endIndex {
            let next = self.index(index, offsetBy: 2)
            bytes.append(UInt8(self[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}
