import Testing
@testable import TideModel

@Suite("Health policy")
struct HealthPolicyTests {
    @Test("failures worsen the status step by step; a success revives")
    func transitions() throws {
        let policy = try HealthPolicy(suspectAfter: 2, deadAfter: 4)
        #expect(policy.next(current: .alive, probeSucceeded: false, consecutiveFailures: 1) == .alive)
        #expect(policy.next(current: .alive, probeSucceeded: false, consecutiveFailures: 2) == .suspect)
        #expect(policy.next(current: .suspect, probeSucceeded: false, consecutiveFailures: 4) == .dead)
        #expect(policy.next(current: .dead, probeSucceeded: true, consecutiveFailures: 0) == .alive)
        #expect(policy.next(current: .suspect, probeSucceeded: true, consecutiveFailures: 0) == .alive)
    }

    @Test("a dead device stays dead while its failure count starts over")
    func deadStaysDead() throws {
        let policy = try HealthPolicy(suspectAfter: 1, deadAfter: 3)
        #expect(policy.next(current: .dead, probeSucceeded: false, consecutiveFailures: 1) == .dead)
    }

    @Test("invalid thresholds")
    func invalid() {
        #expect(throws: HealthPolicyError(message: "suspect-after must be at least 1, got 0")) { try HealthPolicy(suspectAfter: 0, deadAfter: 3) }
        #expect(throws: HealthPolicyError(message: "dead-after (1) must be at least suspect-after (2)")) { try HealthPolicy(suspectAfter: 2, deadAfter: 1) }
    }
}
