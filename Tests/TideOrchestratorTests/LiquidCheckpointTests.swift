import Foundation
import Testing
import TideModel
import TideStore
@testable import TideTesting

/// Checkpoints of stateful steps with real supervisor processes and the health monitor on: after
/// a SIGKILL the step's new instance starts from its last checkpoint; without one, fresh; a
/// damaged checkpoint is refused.
@Suite("Liquid checkpoints (crash recovery)", .serialized, .stopsWhatItStarts)
struct LiquidCheckpointTests {
    typealias Fleet = DeploymentProcessTests.Fleet

    static func count(_ result: RunResult) -> Int? { LiquidMoveTests.count(result) }

    /// Waits for the `deployment.state` event of `tally` and returns it.
    static func stateEvent(_ fleet: Fleet) async throws -> FleetEvent {
        var found: FleetEvent?
        _ = try await eventually(timeout: .seconds(30)) {
            found = try await LiquidMoveTests.stateEvents(fleet).first
            return found != nil
        }
        return try #require(found, "no deployment.state event within 30 s")
    }

    /// Waits until the stored checkpoint of tally/count was taken after `time`.
    static func checkpoint(_ fleet: Fleet, takenAfter time: Date) async throws -> StateCheckpoint {
        let store = try fleet.server.store()
        var found: StateCheckpoint?
        _ = try await eventually(timeout: .seconds(10)) {
            found = try store.checkpoint(deployment: "tally", step: "count")
            return (found?.takenAt ?? .distantPast) > time
        }
        return try #require(found, "no checkpoint of tally/count after \(time)")
    }

    @Test("SIGKILL with 1 s checkpoints: the step starts on another device from its last checkpoint, losing at most the last second")
    func killedWithCheckpoints() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"], probeInterval: .seconds(1)) { fleet in
            let applied = try await fleet.apply(LiquidMoveTests.tally("{keep: true, checkpoint: 1s}"))
            #expect(applied.deployment?.step("count")?.device == fleet.id("sup-a"), "\(applied.body)")
            for expected in 1...10 { #expect(Self.count(try await fleet.run("tally")) == expected) }
            let stored = try await Self.checkpoint(fleet, takenAfter: Date())
            #expect(stored.size > 0 && stored.digest.hasPrefix("sha256:") && stored.generation == applied.deployment?.generation)
            for expected in 11...13 { #expect(Self.count(try await fleet.run("tally")) == expected) }
            fleet.devices["sup-a"]?.process.signal(SIGKILL)

            let event = try await Self.stateEvent(fleet)
            #expect(event.details?["outcome"] == "restored", "\(event.message)")
            #expect(event.message.contains("starts on sup-b") && event.message.contains("from its last checkpoint"), "\(event.message)")
            let age = try #require(event.details?["ageSeconds"]?.numberValue, "\(String(describing: event.details))")
            #expect(age >= 0 && age < 30, "\(event.message)")
            // The checkpoint held 10 or more calls; at most the 3 after it were lost.
            let next = try #require(Self.count(try await fleet.run("tally")))
            #expect((11...14).contains(next), "the first call after the crash returned \(next)")
            let metrics = try await fleet.server.request(.GET, "/metrics")
            #expect(metrics.body.contains(#"tide_state_moves_total{outcome="restored"} 1"#), "\(metrics.body.prefix(200))")
        }
    }

    @Test("SIGKILL without checkpoints: the step starts fresh, and the event says its state was lost")
    func killedWithoutCheckpoints() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"], probeInterval: .seconds(1)) { fleet in
            _ = try await fleet.apply(LiquidMoveTests.tally())
            for expected in 1...3 { #expect(Self.count(try await fleet.run("tally")) == expected) }
            fleet.devices["sup-a"]?.process.signal(SIGKILL)
            let event = try await Self.stateEvent(fleet)
            #expect(event.details?["outcome"] == "lost", "\(event.message)")
            #expect(event.message.contains("its device failed and the step takes no checkpoints"), "\(event.message)")
            #expect(Self.count(try await fleet.run("tally")) == 1, "a fresh instance")
        }
    }

    @Test("a damaged checkpoint is refused by its digest: the step starts fresh, and the event says why")
    func damagedCheckpoint() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"], probeInterval: .seconds(1)) { fleet in
            // One checkpoint right after the deploy, then none for an hour.
            _ = try await fleet.apply(LiquidMoveTests.tally("{keep: true, checkpoint: 1h}"))
            var stored = try await Self.checkpoint(fleet, takenAfter: .distantPast)
            for expected in 1...2 { #expect(Self.count(try await fleet.run("tally")) == expected) }
            // One bit flipped in the middle of the stored file.
            var bytes = [UInt8](stored.bytes)
            bytes[bytes.count / 2] ^= 0x01
            stored.bytes = Data(bytes)
            try fleet.server.store().saveCheckpoint(stored)
            fleet.devices["sup-a"]?.process.signal(SIGKILL)

            let event = try await Self.stateEvent(fleet)
            #expect(event.details?["outcome"] == "lost", "\(event.message)")
            #expect(event.message.contains("its stored checkpoint is damaged") && event.message.contains("SHA-256 does not match"),
                "\(event.message)")
            #expect(Self.count(try await fleet.run("tally")) == 1, "a fresh instance, not a damaged one")
        }
    }
}
