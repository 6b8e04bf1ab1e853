import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import TideModel
import TideSupervisor

/// Heartbeats of the simulated fleet to the replicas, as Tide supervisors given every replica's
/// URL send them: each device from the moment it is registered (`begin`), device i starting at
/// replica i mod n (so the load is spread), its URL chosen by the supervisor's own
/// `OrchestratorChoice` (the next URL after two failed heartbeats in a row; the replica an answer
/// names as the device's watcher). Each heartbeat says what the device runs.
final class HighAvailabilityHeartbeats: Sendable {
    let urls: [String]
    let interval: Duration
    private let headers: HTTPHeaders
    private let agent: SimulatedDeployAgent
    private let lanes: HeartbeatLanes
    private let senders: NIOLockedValueBox<[DeviceID: OrchestratorChoice]>
    private let totals = NIOLockedValueBox(Counts())

    struct Counts: Sendable {
        var sent = 0
        var failed = 0
        var moves = 0
        /// Moves to the replica an answer named as the device's watcher.
        var watcherMoves = 0
        /// Failed heartbeats by the status answered or the error.
        var failures: [String: Int] = [:]
        var seconds = 0.0

        /// What was counted after `earlier`.
        func since(_ earlier: Counts) -> Counts {
            Counts(
                sent: sent - earlier.sent, failed: failed - earlier.failed, moves: moves - earlier.moves,
                watcherMoves: watcherMoves - earlier.watcherMoves,
                failures: failures.merging(earlier.failures.mapValues { -$0 }, uniquingKeysWith: +).filter { $0.value > 0 },
                seconds: seconds - earlier.seconds)
        }
    }

    /// Heartbeats go over `lanesPerURL` kept-open connections to each replica (`HeartbeatLanes`).
    init(urls: [String], interval: Duration, token: String, agent: SimulatedDeployAgent, lanesPerURL: Int = 64) throws {
        self.urls = urls
        self.interval = interval
        headers = ["Content-Type": "application/json", "Authorization": "Bearer \(token)"]
        self.agent = agent
        lanes = try HeartbeatLanes(urls: urls, lanesPerURL: lanesPerURL)
        senders = NIOLockedValueBox([:])
    }

    /// Closes the heartbeats' connections.
    func close() async { await lanes.close() }

    /// Device `id` (the `index`th of the fleet) heartbeats from now on, first to replica index mod n:
    /// once at once, as a supervisor does when it starts, then with the others every interval.
    func begin(_ id: DeviceID, index: Int) async {
        let start = index % max(1, urls.count)
        let choice = OrchestratorChoice(configured: Array(urls[start...] + urls[..<start]))
        senders.withLockedValue { $0[id] = choice }
        await beat(id)
    }

    /// A crashed device sends nothing more.
    func stop(_ id: DeviceID) { senders.withLockedValue { _ = $0.removeValue(forKey: id) } }

    /// Heartbeats sent, failed, and moves to another URL so far.
    var counts: Counts { totals.withLockedValue { $0 } }

    /// Sends a heartbeat from every device each interval until cancelled, 1,024 at a time: a
    /// device's next heartbeat waits for those before it in its share of the fleet, so that a slow
    /// answer stretches the interval instead of piling up requests. (Sending each device's on its
    /// own clock, as separate supervisors do, put 10,000 a second on the replicas of this 2-core
    /// machine: answers took 1.3 s, 40 % timed out and devices moved between replicas.)
    func run() async {
        while !Task.isCancelled {
            let started = ContinuousClock.now
            let ids = senders.withLockedValue { Array($0.keys) }
            let size = ids.count / 1024 + 1
            await withTaskGroup(of: Void.self) { group in
                for chunk in stride(from: 0, to: ids.count, by: size) {
                    let slice = ids[chunk..<min(ids.count, chunk + size)]
                    group.addTask {
                        for id in slice where !Task.isCancelled { await self.beat(id) }
                    }
                }
            }
            try? await Task.sleep(until: started + interval, clock: .continuous)
        }
    }

    private func beat(_ id: DeviceID) async {
        guard let url = senders.withLockedValue({ $0[id]?.current }) else { return }
        let deployments = agent.installed(on: id).sorted { $0.key < $1.key }
            .map { #"{"id": "\#($0.key)", "generation": \#($0.value)}"# }.joined(separator: ", ")
        let body = ByteBuffer(string:
            #"{"id": "\#(id.rawValue)", "health": {"cpuUsage": 0.1, "memoryUsage": 0.3}, "deployments": [\#(deployments)]}"#)
        let sent = ContinuousClock.now
        var failure: String?
        var watcher: String?
        do {
            let answer = try await lanes.post(url, path: "/file/device/heartbeat", headers: headers, body: body, timeout: .seconds(2))
            if answer.status >= 300 {
                failure = "HTTP \(answer.status)"
            } else {
                watcher = HeartbeatLanes.watcher(in: answer.body)
            }
        } catch {
            failure = String(describing: error)
        }
        let seconds = (ContinuousClock.now - sent).inSeconds
        let (moved, followed) = senders.withLockedValue { senders -> (Bool, Bool) in
            guard var choice = senders[id] else { return (false, false) }
            defer { senders[id] = choice }
            guard failure == nil else { return (choice.failed(at: url).movedTo != nil, false) }
            choice.succeeded(at: url)
            return (false, watcher.map { choice.follow($0) == .moved } ?? false)
        }
        totals.withLockedValue {
            $0.sent += 1
            $0.seconds += seconds
            if let failure {
                $0.failed += 1
                $0.failures[failure, default: 0] += 1
            }
            if moved { $0.moves += 1 }
            if followed { $0.watcherMoves += 1 }
        }
    }
}
