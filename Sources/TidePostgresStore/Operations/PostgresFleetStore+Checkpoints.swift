import Foundation
import NIOCore
import PostgresNIO
import TideStore

// MARK: Checkpoints of stateful steps

extension PostgresFleetStore {
    public func saveCheckpoint(_ checkpoint: StateCheckpoint) async throws(StoreError) {
        try await write("storing the checkpoint of \(checkpoint.deployment)/\(checkpoint.step)") { connection in
            try await run(
                """
                INSERT INTO state_checkpoint (deployment, step, generation, module_digest, digest, taken_at, size, bytes)
                VALUES (\(checkpoint.deployment), \(checkpoint.step), \(checkpoint.generation), \(checkpoint.moduleDigest),
                    \(checkpoint.digest), \(StoredTime.written(checkpoint.takenAt)), \(checkpoint.size),
                    \(ByteBuffer(data: checkpoint.bytes)))
                ON CONFLICT (deployment, step) DO UPDATE SET generation = EXCLUDED.generation,
                    module_digest = EXCLUDED.module_digest, digest = EXCLUDED.digest, taken_at = EXCLUDED.taken_at,
                    size = EXCLUDED.size, bytes = EXCLUDED.bytes
                """, on: connection)
        }
    }

    public func checkpoint(deployment: String, step: String) async throws(StoreError) -> StateCheckpoint? {
        try await read("loading the checkpoint of \(deployment)/\(step)") { connection in
            try await rows(
                """
                SELECT generation, module_digest, digest, taken_at, bytes FROM state_checkpoint
                WHERE deployment = \(deployment) AND step = \(step)
                """, on: connection
            ).first.map { row in
                let (generation, moduleDigest, digest, takenAt, bytes) = try row.decode((Int64, String, String, Date, ByteBuffer).self)
                return StateCheckpoint(
                    deployment: deployment, step: step, generation: generation, moduleDigest: moduleDigest, digest: digest,
                    takenAt: StoredTime.read(takenAt), bytes: Data(bytes.readableBytesView))
            }
        }
    }

    public func deleteCheckpoints(deployment: String, keeping steps: [String]) async throws(StoreError) {
        try await write("deleting the checkpoints of \(deployment)") { connection in
            try await run(
                "DELETE FROM state_checkpoint WHERE deployment = \(deployment) AND NOT (step = ANY(\(steps)::text[]))", on: connection)
        }
    }
}
