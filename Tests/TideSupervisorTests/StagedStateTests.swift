import Foundation
import Testing
import TideLiquid
import TidePackageFormat
import WasmKit
@testable import TideSupervisor

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Staged states in memory of their own")
struct StagedStateTests {
    static let module = """
        (module
          (memory (export "memory") 1 1000)
          (global $count (export "count") (mut i64) (i64.const 0))
          (func (export "increment") (result i64)
            (global.set $count (i64.add (global.get $count) (i64.const 1)))
            (global.get $count))
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
          (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
          (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0))))
        """

    @Test("a pre-copy staged in its own mapping takes the pages changed since (and a grown page), and its pages move into a fresh instance")
    func stagedDeltaMoves() async throws {
        let (old, digest) = try SnapshotRestoreTests.instance(Self.module)
        #expect(try await SnapshotRestoreTests.call(old, "grow", [.i32(31)]) == .i32(1))
        _ = try await SnapshotRestoreTests.call(old, "poke", [.i32(1_000_000), .i32(9)])
        _ = try await SnapshotRestoreTests.call(old, "increment")
        let base = try await old.snapshot(moduleDigest: digest, limits: .default)
        let baseDigest = BlobDigest(of: try SnapshotCoding.encode(base))
        old.keepBase(base, digest: baseDigest)

        var staged = StagedState(staging: base)
        #expect(staged.mapped != nil)
        #expect(staged.snapshot.memory.isEmpty)
        #expect(staged.memoryBytes == 32 * InstanceSnapshot.pageBytes)

        // Calls go on on the old device: a byte changes, the memory grows by a page.
        _ = try await SnapshotRestoreTests.call(old, "poke", [.i32(1_500_000), .i32(5)])
        _ = try await SnapshotRestoreTests.call(old, "increment")
        #expect(try await SnapshotRestoreTests.call(old, "grow", [.i32(1)]) == .i32(32))
        _ = try await SnapshotRestoreTests.call(old, "poke", [.i32(UInt32(32 * InstanceSnapshot.pageBytes + 7)), .i32(3)])
        let delta = try await old.delta(since: baseDigest, moduleDigest: digest, limits: .default)
        #expect(delta.pages.map(\.index) == [22, 32])

        try staged.apply(delta)
        #expect(staged.memoryBytes == 33 * InstanceSnapshot.pageBytes)
        let (fresh, _) = try SnapshotRestoreTests.instance(Self.module)
        try await fresh.restore(staged, moduleDigest: digest)
        #expect(fresh.linearMemoryBytes == 33 * InstanceSnapshot.pageBytes)
        for (address, value) in [(1_000_000, 9), (1_500_000, 5), (32 * InstanceSnapshot.pageBytes + 7, 3), (2_000_000, 0)] {
            #expect(try await SnapshotRestoreTests.call(fresh, "peek", [.i32(UInt32(address))]) == .i32(UInt32(value)))
        }
        #expect(try await SnapshotRestoreTests.call(fresh, "increment") == .i64(3))
        #if os(Linux)
            // Moved, not copied: the staged mapping holds nothing more.
            #expect(staged.mapped?.count == 0)
        #endif
        // The instance's memory still grows past the moved pages.
        #expect(try await SnapshotRestoreTests.call(fresh, "grow", [.i32(2)]) == .i32(33))
        _ = try await SnapshotRestoreTests.call(fresh, "poke", [.i32(UInt32(34 * InstanceSnapshot.pageBytes + 1)), .i32(4)])
        #expect(try await SnapshotRestoreTests.call(fresh, "peek", [.i32(UInt32(34 * InstanceSnapshot.pageBytes + 1))]) == .i32(4))
    }

    @Test("a delta of another module or of fewer pages is refused, and the staged memory is left as it was")
    func refusals() async throws {
        let (old, digest) = try SnapshotRestoreTests.instance(Self.module)
        _ = try await SnapshotRestoreTests.call(old, "grow", [.i32(31)])
        _ = try await SnapshotRestoreTests.call(old, "poke", [.i32(70_000), .i32(1)])
        let base = try await old.snapshot(moduleDigest: digest, limits: .default)
        var staged = StagedState(staging: base)
        let other = SnapshotDelta(
            base: digest, module: "counter", moduleDigest: BlobDigest(of: [1, 2, 3]), takenAt: Date(), pageCount: 32,
            pages: [.init(index: 1, bytes: [UInt8](repeating: 8, count: InstanceSnapshot.pageBytes))], globals: [:])
        #expect(throws: SnapshotError.self) { try staged.apply(other) }
        let smaller = SnapshotDelta(
            base: digest, module: "counter", moduleDigest: digest, takenAt: Date(), pageCount: 31, pages: [], globals: [:])
        #expect(throws: SnapshotError.self) { try staged.apply(smaller) }
        #expect(staged.memoryBytes == 32 * InstanceSnapshot.pageBytes)
        staged.mapped?.withBytes { #expect($0[70_000] == 1 && $0[InstanceSnapshot.pageBytes] == 0) }
    }

    @Test("mapped memory grows with zeros and keeps what it held; small states stay as they are")
    func mappedMemory() throws {
        let page = MappedMemory.pageSize
        let bytes = (0..<(4 * page)).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let mapped = try #require(bytes.withUnsafeBytes { MappedMemory(copying: $0) })
        #expect(mapped.grow(to: 64 * page))
        mapped.withBytes { memory in
            #expect(Array(memory[0..<(4 * page)]) == bytes)
            #expect(memory[(4 * page)...].allSatisfy { $0 == 0 })
        }
        #expect(!mapped.grow(to: 64 * page + 1))
        #expect([UInt8](repeating: 1, count: 3).withUnsafeBytes { MappedMemory(copying: $0) } == nil)
        let small = InstanceSnapshot(
            module: "m", moduleDigest: BlobDigest(of: [1]), takenAt: Date(), memory: [UInt8](repeating: 2, count: InstanceSnapshot.pageBytes),
            globals: [:])
        #expect(StagedState(staging: small).mapped == nil)
    }

    @Test("large memory is compared in parts: the changed pages come back in order, with every page past the old memory's end")
    func parallelCompare() {
        let pageBytes = InstanceSnapshot.pageBytes
        let old = [UInt8](repeating: 1, count: 256 * pageBytes)
        var current = old + [UInt8](repeating: 0, count: 2 * pageBytes)
        for page in [0, 3, 100, 191, 192, 255] { current[page * pageBytes + 5] = 2 }
        #expect(current.count >= TideSupervisor.ModuleInstance.parallelCompareBytes)
        let pages = current.withUnsafeBytes { now in old.withUnsafeBytes { TideSupervisor.ModuleInstance.changedPages(now, since: $0) } }
        #expect(pages.map(\.index) == [0, 3, 100, 191, 192, 255, 256, 257])
        #expect(pages.allSatisfy { $0.bytes == Array(current[($0.index * pageBytes)..<(($0.index + 1) * pageBytes)]) })
    }

    @Test("property: any delta, valid or not, does to a mapped staged state what it does to the snapshot itself, or both refuse it")
    func mappedAgreesWithArray() throws {
        var generator = SystemRandomNumberGenerator()
        let pageBytes = InstanceSnapshot.pageBytes
        let digest = BlobDigest(of: [7])
        for round in 0..<40 {
            let basePages = Int.random(in: 16...40, using: &generator)
            var memory = [UInt8](repeating: 0, count: basePages * pageBytes)
            for index in stride(from: 0, to: memory.count, by: 4093) { memory[index] = UInt8.random(in: 0...255, using: &generator) }
            let base = InstanceSnapshot(module: "m", moduleDigest: digest, takenAt: Date(), memory: memory, globals: [:])
            // Mostly valid deltas; some shrink the memory, repeat or misplace a page, or cut one short.
            let pageCount = basePages + Int.random(in: -2...6, using: &generator)
            var indices = (0..<Int.random(in: 0...6, using: &generator)).map { _ in Int.random(in: 0..<(pageCount + 2), using: &generator) }
            if round % 3 != 0 { indices = Array(Set(indices.filter { $0 < pageCount })).sorted() }
            let pages = indices.map { index in
                SnapshotDelta.Page(
                    index: index,
                    bytes: Bool.random(using: &generator)
                        ? [] : [UInt8](repeating: UInt8.random(in: 1...255, using: &generator), count: round % 7 == 0 ? pageBytes - 1 : pageBytes))
            }
            let delta = SnapshotDelta(
                base: digest, module: "m", moduleDigest: digest, takenAt: Date(), pageCount: pageCount, pages: pages, globals: [:])
            var plain = base
            var mapped = StagedState(staging: base)
            #expect(mapped.mapped != nil)
            let plainResult = Result { () throws(SnapshotError) in try delta.apply(to: &plain) }
            let mappedResult = Result { () throws(SnapshotError) in try mapped.apply(delta) }
            switch (plainResult, mappedResult) {
            case (.success, .success):
                mapped.mapped?.withBytes { #expect(Array($0) == plain.memory, "round \(round)") }
            case (.failure, .failure):
                mapped.mapped?.withBytes { #expect(Array($0) == base.memory, "a refused delta leaves the staged memory (round \(round))") }
            default:
                Issue.record("round \(round): the snapshot gave \(plainResult), the mapped state \(mappedResult)")
            }
        }
    }

    @Test("a snapshot copies the memory into memory prepared before the queue was taken, or into its own when the size changed meanwhile")
    func preparedCopy() async throws {
        let (instance, digest) = try SnapshotRestoreTests.instance(Self.module)
        _ = try await SnapshotRestoreTests.call(instance, "grow", [.i32(31)])
        _ = try await SnapshotRestoreTests.call(instance, "poke", [.i32(1_234_567), .i32(42)])
        let size = 32 * InstanceSnapshot.pageBytes
        for prepared in [PreparedCopy(count: size), PreparedCopy(count: size - InstanceSnapshot.pageBytes), nil] {
            let snapshot = try await instance.snapshot(moduleDigest: digest, limits: .default, into: prepared)
            #expect(snapshot.memory.count == size)
            #expect(snapshot.memory[1_234_567] == 42 && snapshot.memory.filter { $0 != 0 }.count == 1)
        }
        let taken = try await instance.snapshot(moduleDigest: digest, limits: .default)
        #expect(taken.memory[1_234_567] == 42 && taken.memory.count == size)
    }
}
