import Foundation
import Testing
import TideModel
import TideStore

/// The last checkpoint of each stateful step, the same from every backend.
@Suite("StoreConformance: checkpoints of stateful steps")
struct StoreConformanceCheckpointTests {
    static func checkpoint(_ deployment: String, _ step: String, generation: Int64 = 1, bytes: [UInt8]) -> StateCheckpoint {
        StateCheckpoint(
            deployment: deployment, step: step, generation: generation, moduleDigest: "sha256:" + String(repeating: "a", count: 64),
            digest: "sha256:" + String(repeating: "b", count: 64), takenAt: StoreConformanceTests.epoch, bytes: Data(bytes))
    }

    @Test("a checkpoint round-trips byte for byte; a newer one replaces it; deletion keeps the steps named", arguments: StoreBackend.all)
    func checkpoints(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.checkpoint(deployment: "tally", step: "count") == nil)
            let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let first = Self.checkpoint("tally", "count", bytes: bytes)
            try await store.saveCheckpoint(first)
            #expect(try await store.checkpoint(deployment: "tally", step: "count") == first)

            let newer = Self.checkpoint("tally", "count", generation: 2, bytes: [1, 2, 3])
            try await store.saveCheckpoint(newer)
            let read = try await store.checkpoint(deployment: "tally", step: "count")
            #expect(read == newer && read?.size == 3)

            try await store.saveCheckpoint(Self.checkpoint("tally", "other", bytes: [9]))
            try await store.saveCheckpoint(Self.checkpoint("else", "count", bytes: [8]))
            try await store.deleteCheckpoints(deployment: "tally", keeping: ["count"])
            #expect(try await store.checkpoint(deployment: "tally", step: "count") == newer)
            #expect(try await store.checkpoint(deployment: "tally", step: "other") == nil)
            try await store.deleteCheckpoints(deployment: "tally", keeping: [])
            #expect(try await store.checkpoint(deployment: "tally", step: "count") == nil)
            #expect(try await store.checkpoint(deployment: "else", step: "count") != nil, "another deployment's stays")
        }
    }
}
