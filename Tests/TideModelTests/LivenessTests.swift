import Foundation
import Testing
@testable import TideModel

@Suite("Liveness evidence")
struct LivenessTests {
    let policy = HealthPolicy.default

    @Test("refused twice is dead; timeouts need the full count")
    func refusedAndTimeouts() {
        var state = Liveness()
        #expect(policy.assess(current: .alive, liveness: &state, evidence: .probeFailed(.refused)) == .suspect)
        #expect(policy.assess(current: .suspect, liveness: &state, evidence: .probeFailed(.refused)) == .dead)
        state = Liveness()
        #expect(policy.assess(current: .alive, liveness: &state, evidence: .probeFailed(.timeout)) == .suspect)
        #expect(policy.assess(current: .suspect, liveness: &state, evidence: .probeFailed(.timeout)) == .suspect)
        #expect(policy.assess(current: .suspect, liveness: &state, evidence: .probeFailed(.timeout)) == .dead)
    }

    @Test("silent heartbeats change nothing until the probe they trigger fails, which makes the device dead; a heartbeat revives")
    func heartbeats() {
        var state = Liveness()
        #expect(policy.assess(current: .alive, liveness: &state, evidence: .heartbeatsMissing(probed: true)) == .alive)
        #expect(state.heartbeatsMissing)
        #expect(policy.assess(current: .alive, liveness: &state, evidence: .probeFailed(.timeout)) == .dead)
        #expect(policy.assess(current: .dead, liveness: &state, evidence: .heartbeat) == .alive)
        #expect(state == Liveness())
    }

    @Test("silent heartbeats answered by the probe leave the device alive")
    func silenceAnswered() {
        var state = Liveness()
        #expect(policy.assess(current: .alive, liveness: &state, evidence: .heartbeatsMissing(probed: true)) == .alive)
        #expect(policy.assess(current: .alive, liveness: &state, evidence: .probeAnswered) == .alive)
        #expect(state.consecutiveFailures == 0)
    }

    @Test("a device that cannot be probed is suspect when its heartbeats stop, never dead on silence alone")
    func silenceUnprobed() {
        var state = Liveness()
        #expect(policy.assess(current: .alive, liveness: &state, evidence: .heartbeatsMissing(probed: false)) == .suspect)
        #expect(policy.assess(current: .suspect, liveness: &state, evidence: .heartbeatsMissing(probed: false)) == .suspect)
    }

    @Test("a goodbye is suspicion, never death on its own")
    func goodbye() {
        var state = Liveness()
        #expect(policy.assess(current: .alive, liveness: &state, evidence: .announcementWithdrawn) == .suspect)
        #expect(policy.assess(current: .dead, liveness: &state, evidence: .announcementWithdrawn) == .dead)
    }

    @Test("damping starts at the second return in the window and doubles")
    func damping() {
        var state = Liveness()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(policy.recordRevival(at: start, liveness: &state) == nil)
        #expect(policy.recordRevival(at: start.addingTimeInterval(60), liveness: &state) == start.addingTimeInterval(90))
        #expect(policy.recordRevival(at: start.addingTimeInterval(120), liveness: &state) == start.addingTimeInterval(180))
        // Returns older than the window no longer count.
        state = Liveness()
        _ = policy.recordRevival(at: start, liveness: &state)
        #expect(policy.recordRevival(at: start.addingTimeInterval(700), liveness: &state) == nil)
    }
}
