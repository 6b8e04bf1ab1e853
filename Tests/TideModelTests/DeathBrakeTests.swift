import Testing
import TideModel

@Suite("Deaths on weak evidence are bounded per window")
struct DeathBrakeTests {
    let start = ContinuousClock.now

    @Test("the floor, then the share of a large fleet")
    func limit() {
        let brake = DeathBrake.default
        #expect(brake.limit(fleet: 10) == 20)
        #expect(brake.limit(fleet: 2_000) == 20)
        #expect(brake.limit(fleet: 10_000) == 100)
    }

    @Test("timeouts, other failures and silence count; beyond the limit they are held until the window moves on")
    func window() {
        var brake = DeathBrake(window: .seconds(10), floor: 3, share: 0)
        let weak: [LivenessEvidence] = [.probeFailed(.timeout), .probeFailed(.other), .heartbeatsMissing(probed: false)]
        for evidence in weak {
            let allowed = brake.allow(evidence, at: start, fleet: 100)
            #expect(allowed)
        }
        do { let allowed = brake.allow(.probeFailed(.timeout), at: start + .seconds(5), fleet: 100); #expect(!allowed) }
        do { let allowed = brake.allow(.probeFailed(.timeout), at: start + .milliseconds(9_999), fleet: 100); #expect(!allowed) }
        // Ten seconds on, the first three have left the window: three more, then held again.
        for _ in 0..<3 {
            let allowed = brake.allow(.probeFailed(.timeout), at: start + .seconds(10), fleet: 100)
            #expect(allowed)
        }
        do { let allowed = brake.allow(.probeFailed(.timeout), at: start + .seconds(10), fleet: 100); #expect(!allowed) }
    }

    @Test("a refused connection is never held and not counted")
    func refused() {
        var brake = DeathBrake(window: .seconds(10), floor: 1, share: 0)
        do { let allowed = brake.allow(.probeFailed(.timeout), at: start, fleet: 100); #expect(allowed) }
        for _ in 0..<50 {
            let allowed = brake.allow(.probeFailed(.refused), at: start, fleet: 100)
            #expect(allowed)
        }
        do { let allowed = brake.allow(.probeFailed(.timeout), at: start, fleet: 100); #expect(!allowed) }
    }

    @Test("--mass-failure-limit: none is the default, 0 no limit, N exactly N whatever the fleet")
    func limited() {
        #expect(DeathBrake.limited(to: nil) == .default)
        var off = DeathBrake.limited(to: 0)
        for _ in 0..<1000 {
            let allowed = off.allow(.probeFailed(.timeout), at: start, fleet: 100_000)
            #expect(allowed)
        }
        var five = DeathBrake.limited(to: 5)
        #expect(five.limit(fleet: 100_000) == 5)
        for _ in 0..<5 {
            let allowed = five.allow(.heartbeatsMissing(probed: false), at: start, fleet: 100_000)
            #expect(allowed)
        }
        do { let allowed = five.allow(.probeFailed(.timeout), at: start, fleet: 100_000); #expect(!allowed) }
    }
}
