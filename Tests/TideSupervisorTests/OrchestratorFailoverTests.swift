import Foundation
import Hummingbird
import NIOCore
import Synchronization
import TideHTTP
import Testing
import TideModel
import TideSupervisor
@testable import TideTesting

/// A supervisor given several orchestrator URLs (`--orchestrator dead,alive`) heartbeats to one that answers.
@Suite(.stopsWhatItStarts) struct OrchestratorFailoverTests {
    /// An orchestrator that records the ports of the heartbeats it receives.
    final class Receiver: Sendable {
        let ports = Mutex<[Int]>([])

        static func start() async throws -> (Receiver, RunningServer) {
            let receiver = Receiver()
            let server = try await startServer(logger: testLogger) {
                let router = Router()
                router.post("file/device/heartbeat") { request, _ -> Response in
                    let body = try await request.body.collect(upTo: 1 << 16)
                    if let port = try? TideJSON.decoder().decode(Heartbeat.self, from: Data(body.readableBytesView)).port {
                        receiver.ports.withLock { $0.append(port) }
                    }
                    return Response(status: .ok)
                }
                return router
            }
            return (receiver, server)
        }

        func received(from port: Int) -> Bool { ports.withLock { $0.contains(port) } }
    }

    @Test func aSlowAnswerDoesNotSpaceHeartbeatsOut() async throws {
        // When each heartbeat arrived and when its (1 s late) answer left.
        let beats = Mutex<[(arrived: ContinuousClock.Instant, answered: ContinuousClock.Instant)]>([])
        let orchestrator = try await startServer(logger: testLogger) {
            let router = Router()
            router.post("file/device/heartbeat") { _, _ -> Response in
                let arrived = ContinuousClock.now
                try await Task.sleep(for: .seconds(1))
                beats.withLock { $0.append((arrived, .now)) }
                return Response(status: .ok)
            }
            return router
        }
        _ = try await startSupervisor(orchestrators: [orchestrator.base], heartbeatInterval: .seconds(2))
        #expect(try await eventually(timeout: .seconds(120)) { beats.withLock { $0.count >= 5 } })
        // From the start of one to the start of the next: the next arrives 2 s after the last one
        // arrived, not 2 s after its answer. Measured against each answer's own time, so that a
        // loaded machine (slower answers) does not change the verdict.
        let seen = beats.withLock { Array($0.suffix(5)) }
        let early = zip(seen, seen.dropFirst()).filter { previous, next in
            next.arrived - previous.arrived < (previous.answered - previous.arrived) + .milliseconds(1500)
        }
        #expect(early.count >= 2, "the next heartbeat waited for the interval after the answer")
    }

    @Test func heartbeatsMovePastADeadURLToTheLiveOrchestrator() async throws {
        let (receiver, orchestrator) = try await Receiver.start()
        let supervisor = try await startSupervisor(
            orchestrators: ["http://127.0.0.1:1", orchestrator.base], heartbeatInterval: .milliseconds(100))
        #expect(try await eventually(timeout: .seconds(10)) { receiver.received(from: supervisor.port) })
    }

    @Test func aRegisteredOrchestratorComesFirstAndTheConfiguredOneTakesOverWhenItStops() async throws {
        let (configured, first) = try await Receiver.start()
        let (registering, second) = try await Receiver.start()
        let supervisor = try await startSupervisor(orchestrators: [first.base], heartbeatInterval: .milliseconds(100))
        #expect(try await eventually(timeout: .seconds(10)) { configured.received(from: supervisor.port) })

        #expect(try await http(.POST, supervisor.base + "/register", body: try json(["url": second.base])).status == 200)
        #expect(try await eventually(timeout: .seconds(10)) { registering.received(from: supervisor.port) })
        configured.ports.withLock { $0.removeAll() }
        try await Task.sleep(for: .milliseconds(300))
        #expect(!configured.received(from: supervisor.port), "heartbeats go to the registered orchestrator only")

        await second.stop()
        #expect(try await eventually(timeout: .seconds(10)) { configured.received(from: supervisor.port) })
    }
}
