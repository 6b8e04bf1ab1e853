import Foundation
import TideClient
import TideModel

/// The end-to-end part of `tide-bench liquid`: planned moves through a real `tide server`, by
/// `tide device drain`, of a counter holding each size of state, with `state: keep` and without
/// (the restart without state) in the same run.
struct LiquidDrainBenchmark {
    let executable: URL
    let directory: String
    let registry: String
    let token: String
    let pages: Int
    let progress: @Sendable (String) -> Void

    struct Trial: Sendable {
        /// How long the drain request took (cordon, placement, deploy and, with state, its move).
        var drain: Double
        /// With state: how long the deployment's runs waited (the `deployment.state` event's).
        var paused: Double?
    }

    func measure(sizes: [Int], trials: Int) async throws -> [LiquidBenchmarkReport.Drain] {
        let snapshotBytes = pages * 65_536
        let server = try await FailoverBenchmarkChild.start(
            executable,
            [
                "server", "--insecure-http", "--data-dir", directory + "/server", "--port", "0", "--log-level", "notice",
                "--registry", registry, "--supervisor-token", token, "--max-snapshot-bytes", String(snapshotBytes),
            ], log: directory + "/logs/server.log")
        var children = [server]
        do {
            let base = "http://127.0.0.1:\(server.port)"
            for name in ["a", "b"] {
                try FileManager.default.createDirectory(atPath: directory + "/drain-\(name)", withIntermediateDirectories: true)
                children.append(try await FailoverBenchmarkChild.start(
                    executable,
                    [
                        "supervisor", "--port", "0", "--name", "drain-\(name)", "--data-dir", directory + "/drain-\(name)",
                        "--orchestrator", base, "--token", token, "--max-memory-pages", String(pages),
                        "--max-snapshot-bytes", String(snapshotBytes), "--log-level", "notice",
                    ], log: directory + "/logs/drain-\(name).log"))
            }
            let results = try await drains(base: base, sizes: sizes, trials: trials)
            for child in children { await child.stop() }
            return results
        } catch {
            for child in children { await child.stop() }
            throw BenchFailure("\(error)\nlogs: \(children.map(\.log).joined(separator: ", "))")
        }
    }

    private func drains(base: String, sizes: [Int], trials: Int) async throws -> [LiquidBenchmarkReport.Drain] {
        guard let operatorToken = try OperatorToken.read(at: directory + "/server/" + OperatorToken.fileName) else {
            throw BenchFailure("the benchmark server wrote no operator token")
        }
        let client = TideClient(baseURL: base, token: operatorToken, timeout: .seconds(120))
        let deadline = ContinuousClock.now + .seconds(30)
        var devices: [Device] = []
        while devices.count < 2 {
            guard ContinuousClock.now < deadline else { throw BenchFailure("the two supervisors did not register within 30 s") }
            try await Task.sleep(for: .milliseconds(100))
            devices = try await client.devices(status: .alive)
        }
        let ids = Dictionary(devices.map { ($0.name, $0.id) }) { first, _ in first }
        guard let a = ids["drain-a"], let b = ids["drain-b"] else { throw BenchFailure("drain-a and drain-b did not register") }
        _ = try await client.label(a, ["bench": "home"])
        var results: [LiquidBenchmarkReport.Drain] = []
        for kib in sizes {
            var kept: [Trial] = []
            var fresh: [Trial] = []
            for trial in 0..<(trials + 1) {
                for stateful in [true, false] {
                    let measured = try await move(client, kib: kib, stateful: stateful, home: a, spare: b, trial: trial)
                    // The first trial of each size warms up.
                    if trial > 0 { stateful ? kept.append(measured) : fresh.append(measured) }
                }
            }
            let drain = LiquidBenchmarkReport.Drain(kib: kib, kept: kept, fresh: fresh)
            progress(
                "\(kib) KiB through the server: drain with state p50 \(String(format: "%.1f", drain.withState.p50)) ms "
                    + "(runs paused \(String(format: "%.1f", drain.runsPaused.p50)) ms), without state \(String(format: "%.1f", drain.withoutState.p50)) ms")
            results.append(drain)
        }
        return results
    }

    /// Deploys a counter holding `kib` KiB on `home`, drains `home` (the counter moves to
    /// `spare`), checks the count, and puts everything back.
    private func move(_ client: TideClient, kib: Int, stateful: Bool, home: DeviceID, spare: DeviceID, trial: Int) async throws -> Trial {
        let name = "liquid-\(stateful ? "keep" : "fresh")-\(kib)-\(trial)"
        let manifest = """
            name: \(name)
            steps:
              - name: count
                module: counter@1
                function: reserve
                state: \(stateful ? "keep" : "none")
                prefer: { labels: { bench: home }, weight: 10 }
            """
        let applied = try await client.apply(manifest: Array(manifest.utf8), json: false)
        guard applied.status == .active, applied.step("count")?.device == home else {
            throw BenchFailure("\(name) is \(applied.status.rawValue) on \(String(describing: applied.step("count")?.device)), not active on \(home)")
        }
        let reserved = try await client.run(name, inputs: ["kib": .number(JSONNumber(kib))])
        guard let held = reserved.result?.numberValue, Int(held) >= kib else {
            throw BenchFailure("\(name) could not hold \(kib) KiB: \(reserved.error ?? "\(String(describing: reserved.result))")")
        }
        let started = ContinuousClock.now
        let report = try await client.drainDevice(home)
        let drain = (ContinuousClock.now - started).inMilliseconds
        guard let moved = report.moved.first(where: { $0.deployment == name }), moved.to == spare else {
            throw BenchFailure("the drain did not move \(name): \(report)")
        }
        if stateful {
            guard moved.state?.outcome == .carried else { throw BenchFailure("\(name): the state was not carried: \(String(describing: moved.state))") }
        }
        // reserve(0) answers the memory the instance holds: as before with state, a fresh instance's without.
        let after = try await client.run(name, inputs: ["kib": .number(0)])
        let afterKiB = Int(after.result?.numberValue ?? 0)
        guard stateful ? afterKiB == Int(held) : afterKiB < Int(held) || kib <= 64 else {
            throw BenchFailure("\(name): after the move the instance holds \(afterKiB) KiB (before: \(Int(held)))")
        }
        _ = try await client.cordonDevice(home, false)
        _ = try await client.removeDeployment(name)
        return Trial(drain: drain, paused: moved.state?.pausedMs.map(Double.init))
    }
}
