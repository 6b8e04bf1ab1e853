import TideFixtures
import Foundation
import TideModel
import TideResolver

/// The soak mode: while a client runs the pipeline without pause, a seeded chaos loop SIGKILLs or
/// SIGSTOPs one of the middle-capable supervisors every 20-40 s and, 5-15 s later, restarts it
/// (same data directory and port: a reboot) or lets it go on (SIGCONT).
struct FailoverBenchmarkSoak: Sendable {
    let fleet: FailoverBenchmarkFleet
    let api: FailoverBenchmarkAPI
    /// Supervisors `middle` may run on: the only ones ever killed.
    let candidates: [String]
    let seconds: Int
    let seed: UInt64
    let runTimeout: Duration
    let pause: Duration
    let progress: @Sendable (String) -> Void

    struct Kill: Codable, Sendable {
        var supervisor: String
        var device: DeviceID
        /// `SIGKILL` (restarted later) or `SIGSTOP` (continued later).
        var signal: String
        var killedAt: Date
        /// Whether step `middle` ran on it when it was killed.
        var heldMiddle: Bool
        var restartedAt: Date?
        /// When the server listed it alive again.
        var aliveAgainAt: Date?
        var restartError: String?
    }

    struct Chaos: Sendable {
        var kills: [Kill] = []
        /// Kill moments skipped because fewer than two middle-capable devices were alive.
        var skipped: [Date] = []
    }

    /// What the pipeline client saw.
    struct Runs: Sendable {
        var attempted = 0
        var succeeded = 0
        var failures: [String: Int] = [:]
        /// The first message of each kind of failure.
        var examples: [String: String] = [:]
        /// When each successful run finished.
        var successes: [Date] = []
        /// How long each successful run took, as the client saw it: runs the server did not retry.
        var cleanMilliseconds: [Double] = []
        /// The same for runs the server retried through a new placement (`retries` in the result).
        var retriedMilliseconds: [Double] = []
        /// When the client stopped (the soak's end; a restart may still follow).
        var ended = Date()
    }

    /// Runs the client and the chaos loop side by side for `seconds`.
    func run() async -> (runs: Runs, chaos: Chaos, started: Date) {
        let started = Date()
        let deadline = ContinuousClock.now + .seconds(seconds)
        async let runs = client(until: deadline)
        async let chaos = chaos(until: deadline)
        let result = await (runs, chaos)
        return (result.0, result.1, started)
    }

    private func client(until deadline: ContinuousClock.Instant) async -> Runs {
        var runs = Runs()
        var lastReport = ContinuousClock.now
        while ContinuousClock.now < deadline {
            let attempt = await api.run(timeout: runTimeout)
            runs.attempted += 1
            if attempt.success {
                runs.succeeded += 1
                runs.successes.append(attempt.finished)
                if attempt.retried {
                    runs.retriedMilliseconds.append(attempt.milliseconds)
                } else {
                    runs.cleanMilliseconds.append(attempt.milliseconds)
                }
            } else {
                let kind = attempt.failure ?? "failed"
                runs.failures[kind, default: 0] += 1
                if runs.examples[kind] == nil { runs.examples[kind] = attempt.detail ?? "" }
            }
            if ContinuousClock.now - lastReport >= .seconds(60) {
                lastReport = ContinuousClock.now
                progress("runs: \(runs.attempted) attempted, \(runs.succeeded) succeeded")
            }
            try? await Task.sleep(for: pause)
        }
        runs.ended = Date()
        return runs
    }

    private func chaos(until deadline: ContinuousClock.Instant) async -> Chaos {
        var random = SplitMix64(seed: seed)
        var chaos = Chaos()
        var next = ContinuousClock.now + Self.seconds(20...40, &random)
        while next < deadline {
            try? await Task.sleep(until: next, clock: .continuous)
            let killTime = ContinuousClock.now
            next = killTime + Self.seconds(20...40, &random)
            let restartDelay = Self.seconds(5...15, &random)
            let pick = random.next()
            let freeze = random.next() % 2 == 1
            guard var kill = await killOne(pick, freeze: freeze) else {
                chaos.skipped.append(Date())
                progress("no kill this time: fewer than two middle-capable devices alive (or the server did not answer)")
                continue
            }
            progress(
                "\(kill.signal) \(kill.supervisor)\(kill.heldMiddle ? " (holds middle)" : ""); \(freeze ? "SIGCONT" : "restart") in \(Int(restartDelay.inSeconds)) s")
            try? await Task.sleep(until: killTime + restartDelay, clock: .continuous)
            kill.restartedAt = Date()
            do {
                if freeze { try await fleet.thaw(kill.supervisor) } else { try await fleet.restart(kill.supervisor) }
                kill.aliveAgainAt = Date()
            } catch {
                kill.restartError = error.description
                progress("restart of \(kill.supervisor) failed: \(error)")
            }
            chaos.kills.append(kill)
        }
        return chaos
    }

    /// Kills (or freezes) one of the alive middle-capable supervisors (`pick` chooses which), unless
    /// fewer than two are alive.
    private func killOne(_ pick: UInt64, freeze: Bool) async -> Kill? {
        guard let devices = try? await api.devices() else { return nil }
        var alive: [FailoverBenchmarkFleet.Supervisor] = []
        for name in candidates {
            guard let supervisor = await fleet.supervisor(name), supervisor.child.isRunning,
                devices.contains(where: { $0.id == supervisor.id && $0.status == .alive })
            else { continue }
            alive.append(supervisor)
        }
        guard alive.count >= 2 else { return nil }
        let victim = alive[Int(pick % UInt64(alive.count))]
        let middle = try? await api.deployment().step("middle")?.device
        guard let killedAt = freeze ? await fleet.freeze(victim.name) : await fleet.kill(victim.name) else { return nil }
        return Kill(
            supervisor: victim.name, device: victim.id, signal: freeze ? "SIGSTOP" : "SIGKILL", killedAt: killedAt,
            heldMiddle: middle == victim.id)
    }

    private static func seconds(_ range: ClosedRange<Double>, _ random: inout SplitMix64) -> Duration {
        .milliseconds(Int((range.lowerBound + (range.upperBound - range.lowerBound) * random.unit()) * 1000))
    }
}
