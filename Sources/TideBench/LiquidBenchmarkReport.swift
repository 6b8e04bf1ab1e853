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
        /// Milliseconds the source device spends on a checkpoint (snapshot + encode; calls wait only for the snapshot).
        var checkpointCost: Figures
        var restartWithoutState: Figures
        /// The pause without the transfer, against the 20 ms goal.
        var pauseWithoutTransferP99: Double
        var goalMet: Bool

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
            restartWithoutState = Figures(moves.map(\.restartWithoutState))
            let total = max(pause.p50, 0.001)
            shares = [
                "snapshot": snapshot.p50 / total, "encode": encode.p50 / total, "transfer": transfer.p50 / total,
                "decode": decode.p50 / total, "restore": restore.p50 / total,
            ]
            pauseWithoutTransferP99 = Figures(moves.map { $0.pause - $0.transfer }).p99
            goalMet = pauseWithoutTransferP99 <= LiquidBenchmark.pauseGoalMilliseconds
                && (kib != 1024 || pause.p99 < LiquidBenchmark.oneMiBGoalMilliseconds)
        }
    }

    var build: String
    var trials: Int
    var sizes: [Size]
}
