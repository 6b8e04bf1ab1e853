import Foundation
import NIOCore
import TideModel

/// The measured operations of `tide-bench deploy`: one manifest with a step pinned to each
/// simulated device, and as many single-step deployments applied at once. Each trial checks that
/// the deployment became active and that every device received exactly one node.
struct DeployBenchmarkTrials: Sendable {
    typealias Report = DeployBenchmarkReport

    let api: DeployBenchmarkAPI
    let members: [SimulatedFleet.Member]
    let agent: SimulatedDeployAgent

    /// What the benchmark reads of the Deployment the API returns.
    struct Outcome: Decodable {
        var name: String
        var status: String
        var reason: String?
        var steps: [Deployment.Step]
    }

    /// `fibo@^1.1` once per member, step `s<i>` pinned to member i; each step feeds the next.
    static func manifest(name: String, members: some Collection<SimulatedFleet.Member>) -> String {
        var text = "name: \(name)\nsteps:\n"
        for (index, member) in members.enumerated() {
            text += "  - name: s\(index)\n    module: fibo@^1.1\n    function: fibo\n    require: { device: \(member.id.rawValue) }\n"
        }
        return text
    }

    func planDryRun(_ manifest: String) async throws(DeployBenchmarkError) -> Report.Timing {
        let started = ContinuousClock.now
        let answer = try await api.send(.POST, "/api/v1/plan", body: manifest, contentType: "application/yaml")
        guard answer.status == 200 else { throw .unexpected("the plan dry run", answer) }
        return Report.Timing(milliseconds: (answer.finished - started).inMilliseconds, responseBytes: answer.body.readableBytes)
    }

    /// Applies one N-step manifest (`wait=true`), checks it, reads the server's events, removes it.
    /// Returns the figures and the Deployment JSON the server answered.
    func oneManifest(trial: Int) async throws(DeployBenchmarkError) -> (Report.ManifestTrial, ByteBuffer) {
        let name = "bench-deploy-\(trial)"
        let text = Self.manifest(name: name, members: members)
        let cursor = try await api.eventCursor()
        let sent = Date()
        let started = ContinuousClock.now
        let answer = try await api.send(.POST, "/api/v1/deployments", body: text, contentType: "application/yaml")
        let wall = (answer.finished - started).inMilliseconds
        try check(answer, name: name, expecting: members)
        let delivery = try checkDelivery(of: name, to: members)

        let events = try await api.events(after: cursor)
        guard let applied = Self.time(of: .deploymentApplied, for: name, in: events),
            let active = Self.time(of: .deploymentStatusChanged, status: "active", for: name, in: events),
            let firstNode = delivery.firstArrival, let lastAck = delivery.lastAcknowledged
        else { throw .check("the server's events for \(name) lack deployment.applied or the active status") }
        let received = sent.addingTimeInterval(wall / 1000)

        let removeStarted = ContinuousClock.now
        let removal = try await api.send(.DELETE, "/api/v1/deployments/\(name)")
        guard removal.status == 200 else { throw .unexpected("removing \(name)", removal) }
        let removeMilliseconds = (removal.finished - removeStarted).inMilliseconds
        guard agent.installedCount(of: name) == 0 else {
            throw .check("\(agent.installedCount(of: name)) simulated device(s) still hold \(name) after it was removed")
        }
        let figures = Report.ManifestTrial(
            deployment: name, wallMilliseconds: wall, serverMilliseconds: active.millisecondsSince(applied),
            phases: Report.Phases(
                untilAppliedMilliseconds: applied.millisecondsSince(sent),
                appliedToFirstNodeMilliseconds: firstNode.millisecondsSince(applied),
                firstNodeToLastAckMilliseconds: lastAck.millisecondsSince(firstNode),
                lastAckToActiveMilliseconds: active.millisecondsSince(lastAck),
                activeToResponseMilliseconds: received.millisecondsSince(active)),
            responseBytes: answer.body.readableBytes, downloads: delivery.downloads, downloadedBytes: delivery.downloadedBytes,
            cacheHits: delivery.cacheHits, removeMilliseconds: removeMilliseconds)
        return (figures, answer.body)
    }

    /// Applies one single-step deployment per member, all at once, checks each, then removes them all.
    func concurrentSingleSteps(trial: Int) async throws(DeployBenchmarkError) -> Report.ConcurrentTrial {
        let prefix = "bench-one-\(trial)-"
        let cursor = try await api.eventCursor()
        let started = ContinuousClock.now
        let members = self.members
        let latencies = try await Self.forEach(Array(members.indices)) { index throws(DeployBenchmarkError) in
            let name = prefix + String(index)
            let member = members[index]
            let answer = try await api.send(
                .POST, "/api/v1/deployments", body: Self.manifest(name: name, members: [member]), contentType: "application/yaml")
            try check(answer, name: name, expecting: [member])
            return (answer.finished - started).inMilliseconds
        }.sorted()
        let wall = latencies.last ?? 0
        var downloads = 0
        var cacheHits = 0
        for (index, member) in members.enumerated() {
            let delivery = try checkDelivery(of: prefix + String(index), to: [member])
            downloads += delivery.downloads
            cacheHits += delivery.cacheHits
        }
        let events = try await api.events(after: cursor).filter {
            $0.details?["deployment"]?.stringValue?.hasPrefix(prefix) ?? false
        }
        let applied = events.filter { $0.kind == .deploymentApplied }.map(\.time).min()
        // The first time each deployment became active (a later status change, e.g. degraded and back, does not count).
        var firstActive: [String: Date] = [:]
        for event in events where event.kind == .deploymentStatusChanged && event.details?["status"]?.stringValue == "active" {
            guard let name = event.details?["deployment"]?.stringValue else { continue }
            firstActive[name] = min(firstActive[name] ?? event.time, event.time)
        }
        guard let applied, let lastActive = firstActive.values.max(), firstActive.count == members.count else {
            throw .check("the server's events show \(firstActive.count) of \(members.count) single-step deployments active")
        }
        let laterStatusChanges = events.filter { $0.kind == .deploymentStatusChanged }.count - members.count

        let removeStarted = ContinuousClock.now
        _ = try await Self.forEach(Array(members.indices)) { index throws(DeployBenchmarkError) in
            let removal = try await api.send(.DELETE, "/api/v1/deployments/\(prefix)\(index)")
            guard removal.status == 200 else { throw .unexpected("removing \(prefix)\(index)", removal) }
            return 0
        }
        return Report.ConcurrentTrial(
            deployments: members.count, wallMilliseconds: wall, serverMilliseconds: lastActive.millisecondsSince(applied),
            requestP50Milliseconds: Percentile.of(latencies, 0.5), requestP99Milliseconds: Percentile.of(latencies, 0.99),
            downloads: downloads, cacheHits: cacheHits, laterStatusChanges: max(0, laterStatusChanges),
            removeAllMilliseconds: (ContinuousClock.now - removeStarted).inMilliseconds)
    }

    // MARK: Checks

    private func check(_ answer: DeployBenchmarkAPI.Answer, name: String, expecting members: [SimulatedFleet.Member])
        throws(DeployBenchmarkError)
    {
        guard answer.status == 201 || answer.status == 200 else { throw .unexpected("applying \(name)", answer) }
        let outcome: Outcome = try api.decode(answer, as: "the deployment \(name)")
        guard outcome.status == "active" else {
            throw .check("deployment \(name) is \(outcome.status), not active: \(outcome.reason ?? "no reason given")")
        }
        let wanted = Set(members.map(\.id))
        let placed = Set(outcome.steps.compactMap(\.device))
        let notRunning = outcome.steps.filter { $0.state != .running }
        guard outcome.steps.count == members.count, placed == wanted, notRunning.isEmpty else {
            throw .check(
                "deployment \(name): \(outcome.steps.count) steps on \(placed.count) devices, \(notRunning.count) not running; "
                    + "expected one running step on each of \(members.count) devices")
        }
    }

    /// Every member received exactly one node of `name` and accepted it.
    private func checkDelivery(of name: String, to members: [SimulatedFleet.Member]) throws(DeployBenchmarkError) -> SimulatedDelivery {
        let delivery = agent.takeDelivery(of: name)
        let wrong = members.filter { delivery.nodes[$0.id] != 1 }
        guard wrong.isEmpty, delivery.nodes.count == members.count, delivery.accepted == members.count else {
            let sample = wrong.prefix(3).map { "\($0.id) got \(delivery.nodes[$0.id] ?? 0)" }.joined(separator: ", ")
            throw .check(
                "\(name): \(delivery.nodes.count) devices received nodes and \(delivery.accepted) accepted, expected exactly one on each of "
                    + "\(members.count) (\(sample)); refusals: \(delivery.refusals.joined(separator: "; "))")
        }
        return delivery
    }

    private static func time(
        of kind: FleetEventKind, status: String? = nil, for name: String, in events: [FleetEvent]
    ) -> Date? {
        events.first { event in
            event.kind == kind && event.details?["deployment"]?.stringValue == name
                && (status == nil || event.details?["status"]?.stringValue == status)
        }?.time
    }

    /// Runs `body` for every item concurrently; the first failure, else every result.
    private static func forEach<Item: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (Item) async throws(DeployBenchmarkError) -> Double
    ) async throws(DeployBenchmarkError) -> [Double] {
        let results = await withTaskGroup(of: Result<Double, DeployBenchmarkError>.self) { group in
            for item in items {
                group.addTask {
                    do throws(DeployBenchmarkError) { return .success(try await body(item)) } catch { return .failure(error) }
                }
            }
            var all: [Result<Double, DeployBenchmarkError>] = []
            for await result in group { all.append(result) }
            return all
        }
        return try results.map { result throws(DeployBenchmarkError) in try result.get() }
    }
}
