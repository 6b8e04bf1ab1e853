import Foundation
import GRDB
import TideModel

// MARK: Checkpoints of stateful steps

extension TideStore {
    /// Stores a step's checkpoint in place of the one before.
    public func saveCheckpoint(_ checkpoint: StateCheckpoint) throws(StoreError) {
        try write("storing the checkpoint of \(checkpoint.deployment)/\(checkpoint.step)") { db in try checkpoint.save(db) }
    }

    public func checkpoint(deployment: String, step: String) throws(StoreError) -> StateCheckpoint? {
        try read("loading the checkpoint of \(deployment)/\(step)") { db in
            try StateCheckpoint.fetchOne(db, key: ["deployment": deployment, "step": step])
        }
    }

    /// Forgets the checkpoints of a deployment's steps other than `keeping` (all, when empty).
    public func deleteCheckpoints(deployment: String, keeping steps: [String]) throws(StoreError) {
        try write("deleting the checkpoints of \(deployment)") { db in
            if steps.isEmpty {
                try db.execute(sql: "DELETE FROM state_checkpoint WHERE deployment = ?", arguments: [deployment])
            } else {
                let marks = databaseQuestionMarks(count: steps.count)
                try db.execute(
                    sql: "DELETE FROM state_checkpoint WHERE deployment = ? AND step NOT IN (\(marks))",
                    arguments: StatementArguments([deployment] + steps))
            }
        }
    }
}
