/// What `tide-bench liquid` prints.
struct LiquidBenchmarkReport: Encodable {
    struct Figures: Encodable {
        var p50: Double
        var p99: Double
        var max: Double

        init(_ values: [Double]) {
            let sorted = values.sorted()
            p50 = Percentile.of(sorted, 0.5)
            p99 = Percentile.of(sorted, 0.99)
            max = sorted.last ?? 0
        }
    }

    struct Size: Encodable {
        var kib: Int
        var snapshotBytes: Int
        /// Milliseconds: the pause calls see in a move, and its parts.
        var pause: Figures
        var snapshot: Figures
        var encode: Figures
        var transfer: Figures
        var decode: Figures
        var restore: Figures
        /// Shares of the median pause.
        var shares: [String: Double]
        /// Milliseconds the source device spends on a checkpoint (snapshot + encode), and the part
        /// of it calls wait for (the module's queue held while the memory is copied).
        var checkpointCost: Figures
        var checkpointCallsWait: Figures
        var restartWithoutState: Figures
        /// The pause without the transfer, against the 20 ms goal.
        var pauseWithoutTransferP99: Double
        var goalMet: Bool
        /// Pre-copied moves: milliseconds to take and stage the whole state while calls still run,
        /// the pause (only the changes since), the changes' bytes, and the pause against 20 ms.
        var precopy: Figures
        var precopiedPause: Figures
        var changedBytes: Int
        var precopiedGoalMet: Bool

        init(kib: Int, moves: [LiquidMover.Move]) {
            self.kib = kib
            snapshotBytes = moves.first?.snapshotBytes ?? 0
            pause = Figures(moves.map(\.pause))
            snapshot = Figures(moves.map(\.snapshot))
            encode = Figures(moves.map(\.encode))
            transfer = Figures(moves.map(\.transfer))
            decode = Figures(moves.map(\.decode))
            restore = Figures(moves.map(\.restore))
            checkpointCost = Figures(moves.map { $0.snapshot + $0.encode })
            checkpointCallsWait = Figures(moves.map(\.held))
            restartWithoutState = Figures(moves.map(\.restartWithoutState))
            let total = max(pause.p50, 0.001)
            shares = [
                "snapshot": snapshot.p50 / total, "encode": encode.p50 / total, "transfer": transfer.p50 / total,
                "decode": decode.p50 / total, "restore": restore.p50 / total,
            ]
            pauseWithoutTransferP99 = Figures(moves.map { $0.pause - $0.transfer }).p99
            goalMet = pauseWithoutTransferP99 <= LiquidBenchmark.pauseGoalMilliseconds
                && (kib != 1024 || pause.p99 < LiquidBenchmark.oneMiBGoalMilliseconds)
            precopy = Figures(moves.map(\.precopy))
            precopiedPause = Figures(moves.map(\.precopiedPause))
            changedBytes = moves.first?.changedBytes ?? 0
            precopiedGoalMet = precopiedPause.p99 <= LiquidBenchmark.pauseGoalMilliseconds
        }
    }

    /// Planned moves through a `tide server` (`tide device drain`), with state and without.
    struct Drain: Encodable {
        var kib: Int
        /// Milliseconds of the drain request with `state: keep`, and of the same without state.
        var withState: Figures
        var withoutState: Figures
        /// Milliseconds the deployment's runs waited in the moves with state.
        var runsPaused: Figures
        /// withState p50 / withoutState p50.
        var ratio: Double

        init(kib: Int, kept: [LiquidDrainBenchmark.Trial], fresh: [LiquidDrainBenchmark.Trial]) {
            self.kib = kib
            withState = Figures(kept.map(\.drain))
            withoutState = Figures(fresh.map(\.drain))
            runsPaused = Figures(kept.compactMap(\.paused))
            ratio = withState.p50 / max(withoutState.p50, 0.001)
        }
    }

    var build: String
    var trials: Int
    var sizes: [Size]
    /// Empty with --no-drain.
    var drains: [Drain]
}
