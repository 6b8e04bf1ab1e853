import Foundation
import Testing
import TideLiquid
import TidePackageFormat
@testable import TideOrchestrator

/// The server's part of a pre-copied move that landed elsewhere than planned: the pre-copy and the
/// delta put together into one whole snapshot file.
@Suite("State transfer: composing a pre-copy and its delta")
struct StateTransferTests {
    static let pageBytes = InstanceSnapshot.pageBytes

    static func state(pages: Int, marker: UInt8, count: UInt64) -> InstanceSnapshot {
        var memory = [UInt8](repeating: 0, count: pages * pageBytes)
        for page in 0..<pages { memory[page * pageBytes + 3] = marker &+ UInt8(page) }
        return InstanceSnapshot(
            module: "count", moduleDigest: BlobDigest(of: Array("counter 1.0.0".utf8)), takenAt: Date(timeIntervalSince1970: 1_900_000_000),
            memory: memory, globals: ["count": SnapshotGlobal(kind: .i64, bits: count)])
    }

    @Test("the composed file is the whole state after the changes, digest-checked and with the delta's time")
    func composes() throws {
        let base = Self.state(pages: 4, marker: 1, count: 3)
        let baseFile = try SnapshotCoding.encode(base)
        let baseDigest = try #require(SnapshotCoding.digest(of: baseFile))
        var after = base
        after.memory[2 * Self.pageBytes + 9] = 77
        after.memory += [UInt8](repeating: 5, count: Self.pageBytes)
        after.globals["count"] = SnapshotGlobal(kind: .i64, bits: 4)
        after.takenAt = base.takenAt.addingTimeInterval(1)
        let delta = SnapshotDelta(
            base: baseDigest, module: "count", moduleDigest: base.moduleDigest, takenAt: after.takenAt, pageCount: 5,
            pages: [
                SnapshotDelta.Page(index: 2, bytes: Array(after.memory[(2 * Self.pageBytes)..<(3 * Self.pageBytes)])),
                SnapshotDelta.Page(index: 4, bytes: Array(after.memory[(4 * Self.pageBytes)...])),
            ],
            globals: after.globals)
        let composed = try StateTransfer.compose(base: baseFile, delta: try SnapshotCoding.encode(delta), limits: .default)
        #expect(try SnapshotCoding.decode(composed) == after)
        #expect(composed == (try SnapshotCoding.encode(after)))
    }

    @Test("a delta of another pre-copy, a whole file in its place or a damaged one is refused")
    func refuses() throws {
        let base = Self.state(pages: 2, marker: 1, count: 3)
        let baseFile = try SnapshotCoding.encode(base)
        let other = try SnapshotCoding.encode(Self.state(pages: 2, marker: 9, count: 3))
        let otherDigest = try #require(SnapshotCoding.digest(of: other))
        let delta = try SnapshotCoding.encode(SnapshotDelta(
            base: otherDigest, module: "count", moduleDigest: base.moduleDigest, takenAt: base.takenAt, pageCount: 2, pages: [],
            globals: base.globals))
        #expect(throws: SnapshotError.missingBase("the changes are since snapshot \(otherDigest.hex.prefix(12)), not this pre-copy")) {
            try StateTransfer.compose(base: baseFile, delta: delta, limits: .default)
        }
        #expect(throws: SnapshotError.incompatible("the changes are a whole snapshot, not a delta")) {
            try StateTransfer.compose(base: baseFile, delta: other, limits: .default)
        }
        var damaged = baseFile
        damaged[20] ^= 1
        #expect(throws: SnapshotError.damaged("its SHA-256 does not match its contents (corrupted or truncated)")) {
            try StateTransfer.compose(base: damaged, delta: delta, limits: .default)
        }
    }
}

extension StateTransferTests {
    @Test("after their first checkpoint, steps fall due spread over one interval, each at a fixed phase")
    func checkpointPhases() {
        let now = ContinuousClock.now
        let interval = Duration.seconds(10)
        let firstDue = (0..<200).map { index in
            let base = StateTransfer.firstCheckpointBase("deployment-\(index)/count", interval: interval, now: now)
            return (base + interval - now) / interval
        }
        #expect(firstDue.allSatisfy { (0..<1).contains($0) })
        // Spread: every tenth of the interval gets some, none gets most.
        let buckets = Dictionary(grouping: firstDue) { Int($0 * 10) }.mapValues(\.count)
        #expect(buckets.count == 10 && buckets.values.allSatisfy { $0 < 60 }, "\(buckets)")
        #expect(StateTransfer.firstCheckpointBase("a/b", interval: interval, now: now) == StateTransfer.firstCheckpointBase("a/b", interval: interval, now: now))
    }
}
