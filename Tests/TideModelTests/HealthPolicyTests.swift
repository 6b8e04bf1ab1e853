import Testing
@testable import TideModel

@Suite("Health policy")
struct HealthPolicyTests {
    @Test("failures worsen the status step by step; a success revives")
    func transitions() throws {
        let policy = try HealthPolicy(suspectAfter: 2, deadAfter: 4)
        var state = Liveness()
        #expect(policy.assess(current: .alive, liveness: &state, evidence: .probeFailed(.other)) == .alive)
        #expect(policy.assess(current: .alive, liveness: &state, evidence: .probeFailed(.other)) == .suspect)
        #expect(policy.assess(current: .suspect, liveness: &state, evidence: .probeFailed(.other)) == .suspect)
        #expect(policy.assess(current: .suspect, liveness: &state, evidence: .probeFailed(.other)) == .dead)
        #expect(policy.assess(current: .dead, liveness: &state, evidence: .probeAnswered) == .alive)
        #expect(policy.assess(current: .suspect, liveness: &state, evidence: .probeAnswered) == .alive)
    }

    @Test("a dead device stays dead while its failure count starts over")
    func deadStaysDead() throws {
        let policy = try HealthPolicy(suspectAfter: 1, deadAfter: 3)
        var restarted = Liveness()
        #expect(policy.assess(current: .dead, liveness: &restarted, evidence: .probeFailed(.timeout)) == .dead)
    }

    @Test("invalid thresholds")
    func invalid() {
        #expect(throws: HealthPolicyError(message: "suspect-after must be at least 1, got 0")) { try HealthPolicy(suspectAfter: 0, deadAfter: 3) }
        #expect(throws: HealthPolicyError(message: "dead-after (1) must be at least suspect-after (2)")) { try HealthPolicy(suspectAfter: 2, deadAfter: 1) }
    }
}
