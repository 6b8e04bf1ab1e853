import Foundation
import Logging
import Testing
import TideLiquid
import TidePackageFormat
import WAT
import WasmKit
@testable import TideSupervisor

@Suite("Instance snapshots")
struct SnapshotRestoreTests {
    static let counter = """
        (module
          (memory (export "memory") 1 100)
          (global $count (export "count") (mut i64) (i64.const 0))
          (global $version (export "version") i32 (i32.const 1))
          (func (export "increment") (result i64)
            (global.set $count (i64.add (global.get $count) (i64.const 1)))
            (i64.store (i32.const 100) (i64.add (i64.load (i32.const 100)) (i64.const 10)))
            (global.get $count))
          (func (export "stored") (result i64) (i64.load (i32.const 100)))
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
        """
    static let other = """
        (module
          (memory (export "memory") 1)
          (global (export "total") (mut i32) (i32.const 0)))
        """

    static func instance(_ text: String, maxMemoryPages: Int = 1024) throws -> (TideSupervisor.ModuleInstance, BlobDigest) {
        let bytes = try wat2wasm(text)
        let runtime = WasmRuntime(hostModules: [], limits: ExecutionLimits(maxMemoryPages: maxMemoryPages), logger: Logger(label: "test"))
        let module = try runtime.parse(bytes, module: "counter")
        let instance = try TideSupervisor.ModuleInstance(name: "counter", modules: ["counter": module], dependencies: [:], runtime: runtime, filesDirectory: nil)
        return (instance, BlobDigest(of: bytes))
    }

    static func call(_ instance: TideSupervisor.ModuleInstance, _ function: String, _ arguments: [Value] = []) async throws -> Value? {
        try await instance.call(function, arguments: arguments.map { .scalar($0) }, bytesResult: false, deadline: .seconds(10)).get().values.first
    }

    @Test("a counter at 3 with grown memory, snapshotted, encoded and restored into a fresh instance, goes on at 4")
    func moves() async throws {
        let (old, digest) = try Self.instance(Self.counter)
        for _ in 0..<3 { _ = try await Self.call(old, "increment") }
        #expect(try await Self.call(old, "grow", [.i32(3)]) == .i32(1))
        let snapshot = try await old.snapshot(moduleDigest: digest, limits: .default)
        #expect(snapshot.memory.count == 4 * InstanceSnapshot.pageBytes)
        #expect(snapshot.globals == ["count": SnapshotGlobal(kind: .i64, bits: 3)])
        let carried = try SnapshotCoding.decode(try SnapshotCoding.encode(snapshot))

        let (fresh, _) = try Self.instance(Self.counter)
        try await fresh.restore(carried, moduleDigest: digest)
        #expect(fresh.linearMemoryBytes == 4 * InstanceSnapshot.pageBytes)
        #expect(try await Self.call(fresh, "increment") == .i64(4))
        #expect(try await Self.call(fresh, "stored") == .i64(40))
        // The old instance is untouched by the move.
        #expect(try await Self.call(old, "increment") == .i64(4))
    }

    @Test("the files a module wrote in its own directory move with it; its package's files and links stay out")
    func filesMove() async throws {
        let bytes = try wat2wasm(Self.counter)
        let digest = BlobDigest(of: bytes)
        let runtime = WasmRuntime(hostModules: [], limits: ExecutionLimits(), logger: Logger(label: "test"))
        func instance(_ directory: String) throws -> TideSupervisor.ModuleInstance {
            try TideSupervisor.ModuleInstance(
                name: "counter", modules: ["counter": try runtime.parse(bytes, module: "counter")], dependencies: [:], runtime: runtime,
                filesDirectory: directory, packageFiles: ["model.bin"])
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tide-files-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (from, to) = (root + "/from", root + "/to")
        for directory in [from + "/window", to] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        try Data("readings 1 2 3".utf8).write(to: URL(fileURLWithPath: from + "/notes.txt"))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: from + "/window/last.bin"))
        try Data("package data".utf8).write(to: URL(fileURLWithPath: from + "/model.bin"))
        try FileManager.default.createSymbolicLink(atPath: from + "/escape", withDestinationPath: "/etc/hostname")

        let old = try instance(from)
        _ = try await Self.call(old, "increment")
        let snapshot = try await old.snapshot(moduleDigest: digest, limits: .default)
        #expect(snapshot.files == [
            SnapshotFile(path: "notes.txt", bytes: Array("readings 1 2 3".utf8)), SnapshotFile(path: "window/last.bin", bytes: [1, 2, 3]),
        ])
        let fresh = try instance(to)
        try await fresh.restore(try SnapshotCoding.decode(try SnapshotCoding.encode(snapshot)), moduleDigest: digest)
        #expect(FileManager.default.contents(atPath: to + "/notes.txt") == Data("readings 1 2 3".utf8))
        #expect(FileManager.default.contents(atPath: to + "/window/last.bin") == Data([1, 2, 3]))
        #expect(!FileManager.default.fileExists(atPath: to + "/escape") && !FileManager.default.fileExists(atPath: to + "/model.bin"))
        #expect(try await Self.call(fresh, "increment") == .i64(2))

        // A snapshot whose paths leave the directory writes nothing.
        var hostile = snapshot
        hostile.files = [SnapshotFile(path: "ok.txt", bytes: [1]), SnapshotFile(path: "../outside.txt", bytes: [2])]
        let target = try instance(root + "/to")
        await #expect(throws: SnapshotError.self) { try await target.restore(hostile, moduleDigest: digest) }
        #expect(!FileManager.default.fileExists(atPath: root + "/outside.txt") && !FileManager.default.fileExists(atPath: to + "/ok.txt"))
    }

    @Test("another module version is refused and the instance keeps its own state")
    func otherVersion() async throws {
        let (old, digest) = try Self.instance(Self.counter)
        _ = try await Self.call(old, "increment")
        let snapshot = try await old.snapshot(moduleDigest: digest, limits: .default)
        let (fresh, _) = try Self.instance(Self.counter)
        let otherDigest = BlobDigest(of: Array("counter 2.0".utf8))
        await #expect(throws: SnapshotError.self) { try await fresh.restore(snapshot, moduleDigest: otherDigest) }
        do {
            try await fresh.restore(snapshot, moduleDigest: otherDigest)
        } catch {
            #expect("\(error)".contains("another version"))
        }
        #expect(try await Self.call(fresh, "increment") == .i64(1))
    }

    @Test("a snapshot of a module with other globals is refused")
    func otherGlobals() async throws {
        let (source, digest) = try Self.instance(Self.other)
        let snapshot = try await source.snapshot(moduleDigest: digest, limits: .default)
        let (target, _) = try Self.instance(Self.counter)
        await #expect(throws: SnapshotError.incompatible("its mutable globals (total) are not those of counter (count)")) {
            try await target.restore(snapshot, moduleDigest: digest)
        }
    }

    @Test("memory beyond the target's limit is refused before anything changes; beyond the snapshot limit it is not taken")
    func memoryLimits() async throws {
        let (big, digest) = try Self.instance(Self.counter)
        _ = try await Self.call(big, "increment")
        #expect(try await Self.call(big, "grow", [.i32(9)]) == .i32(1))
        let snapshot = try await big.snapshot(moduleDigest: digest, limits: .default)
        let (small, _) = try Self.instance(Self.counter, maxMemoryPages: 4)
        await #expect(throws: SnapshotError.self) { try await small.restore(snapshot, moduleDigest: digest) }
        #expect(small.linearMemoryBytes == InstanceSnapshot.pageBytes)
        #expect(try await Self.call(small, "increment") == .i64(1))

        let tight = SnapshotLimits(maxMemoryBytes: 2 * InstanceSnapshot.pageBytes, maxGlobals: 16)
        await #expect(throws: SnapshotError.tooLarge("module counter has 655360 bytes of memory, more than the 131072 a snapshot may hold")) {
            _ = try await big.snapshot(moduleDigest: digest, limits: tight)
        }
    }
}
