import Foundation
import TideModel

/// The soak mode from start to report: the chaos and the client, the checks afterwards, and the
/// event log read against the kill log.
struct FailoverBenchmarkSoakRunner: Sendable {
    let fleet: FailoverBenchmarkFleet
    let api: FailoverBenchmarkAPI
    let seconds: Int
    let seed: UInt64
    let runTimeout: Duration
    let pause: Duration
    let settings: String
    let progress: @Sendable (String) -> Void

    static let candidates = ["sup-b", "sup-d", "sup-e", "sup-f"]

    /// Runs the soak on the deployed pipeline (`initial`); the JSON report and whether it found a problem.
    func run(initial: Deployment) async throws(FailoverBenchmarkError) -> (json: String, problems: Bool) {
        let cursor = try await api.cursor()
        progress("soak for \(seconds) s, seed \(seed)")
        let soak = FailoverBenchmarkSoak(
            fleet: fleet, api: api, candidates: Self.candidates, seconds: seconds, seed: seed, runTimeout: runTimeout,
            pause: pause, progress: progress)
        let (runs, chaos, started) = await soak.run()
        progress("soak over; checking the deployment and the devices")
        let final = try await FailoverBenchmarkSoakCheck(fleet: fleet, api: api, runTimeout: runTimeout).run()
        let events = try await api.events(after: cursor)

        var names: [DeviceID: String] = [:]
        for supervisor in await fleet.all() { names[supervisor.id] = supervisor.name }
        let analysis = FailoverBenchmarkSoakAnalysis(events: events, kills: chaos.kills, names: names, started: started, ended: runs.ended)
        var placement: [String: DeviceID] = [:]
        for step in initial.steps { if let device = step.device { placement[step.step] = device } }
        let moves = analysis.moves(initial: placement)
        let falseDeaths = analysis.falseDeaths()
        let (longest, outages) = analysis.outages(successes: runs.successes, threshold: 3, explain: 5)

        var problems = Self.problems(final: final, moves: moves, falseDeaths: falseDeaths, kills: chaos.kills)
        for outage in outages where outage.milliseconds > 10_000 {
            problems.append(
                "the pipeline did not run for \(Int(outage.milliseconds / 1000)) s from \(TideJSON.formatTimestamp(outage.from)) "
                    + "(see outagesOver3Seconds for the server's events in that gap)")
        }
        let report = FailoverBenchmarkSoakReport(
            seconds: seconds, seed: seed, settings: settings, runTimeout: runTimeout, pause: pause,
            runs: .init(
                attempted: runs.attempted, succeeded: runs.succeeded, failed: runs.attempted - runs.succeeded,
                failures: runs.failures, failureExamples: runs.examples,
                successRate: runs.attempted == 0 ? 0 : Double(runs.succeeded) / Double(runs.attempted),
                retried: runs.retriedMilliseconds.count),
            latency: .init(clean: runs.cleanMilliseconds, retried: runs.retriedMilliseconds),
            longest: longest, outages: outages, chaos: chaos, moves: moves, falseDeaths: falseDeaths,
            damping: analysis.damping(), final: final, problems: problems,
            evidence: problems.isEmpty ? nil : await api.evidence())
        return (try FailoverBenchmark.encode(report), !problems.isEmpty)
    }

    static func problems(
        final: FailoverBenchmarkSoakCheck.Final, moves: FailoverBenchmarkSoakAnalysis.Moves, falseDeaths: [String],
        kills: [FailoverBenchmarkSoak.Kill]
    ) -> [String] {
        var problems: [String] = []
        if !final.deploymentListed { problems.append("GET /api/v1/deployments no longer lists \(FailoverBenchmarkAPI.deployment)") }
        if final.deploymentListed, final.status != DeploymentStatus.active.rawValue {
            problems.append("the deployment ended \(final.status ?? "without a status"), not active")
        }
        if final.settledSeconds == nil { problems.append("60 s after the soak the deployment was not active with every supervisor alive") }
        if !final.staleInstances.isEmpty {
            problems.append("stale middle instances still answer on \(final.staleInstances.joined(separator: ", ")) 30 s after the soak")
        }
        if !final.holderServesMiddle { problems.append("the device the server places middle on does not serve it") }
        if !final.finalRunSucceeded { problems.append("the pipeline run after the soak failed: \(final.finalRunError ?? "")") }
        if !moves.falseFailovers.isEmpty {
            problems.append("\(moves.falseFailovers.count) move(s) away from a device that was not down (false failovers)")
        }
        if !falseDeaths.isEmpty { problems.append("\(falseDeaths.count) device(s) declared dead without being killed") }
        for kill in kills where kill.restartError != nil {
            problems.append("\(kill.supervisor) did not come back after its kill: \(kill.restartError ?? "")")
        }
        return problems
    }
}

extension FailoverBenchmarkSoakReport {
    init(
        seconds: Int, seed: UInt64, settings: String, runTimeout: Duration, pause: Duration, runs: Runs, latency: Latency,
        longest: FailoverBenchmarkSoakAnalysis.Outage?, outages: [FailoverBenchmarkSoakAnalysis.Outage],
        chaos: FailoverBenchmarkSoak.Chaos, moves: FailoverBenchmarkSoakAnalysis.Moves, falseDeaths: [String],
        damping: [String], final: FailoverBenchmarkSoakCheck.Final, problems: [String], evidence: [String]?
    ) {
        self.init(
            seconds: seconds, seed: seed, serverSettings: settings, runTimeoutMilliseconds: runTimeout.inMilliseconds,
            pauseMilliseconds: pause.inMilliseconds, childrenDieWithBenchmark: FailoverBenchmarkSpawner.shared.childrenDieWithBenchmark,
            supervisors: [
                "sup-a": "first", "sup-c": "last", "sup-b": "middle-capable", "sup-d": "middle-capable",
                "sup-e": "middle-capable", "sup-f": "middle-capable",
            ],
            runs: runs, latency: latency, longestOutageMilliseconds: longest?.milliseconds ?? 0, longestOutage: longest,
            outagesOver3Seconds: outages, killsDone: chaos.kills.count,
            restartsDone: chaos.kills.filter { $0.restartError == nil && $0.restartedAt != nil }.count,
            killsSkipped: chaos.skipped.count, kills: chaos.kills, moves: moves, falseFailovers: moves.falseFailovers.count,
            falseDeaths: falseDeaths, damping: damping, final: final, problems: problems, evidence: evidence)
    }
}
