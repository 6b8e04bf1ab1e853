import Testing
@testable import TideOrchestrator

/// Which requests a replica that does not lead hands to the leader.
@Suite struct LeaderForwardingPathTests {
    @Test("deployments, wasmiot manifests and executions, and drains go to the leader; other device calls do not")
    func paths() {
        for path in ["/api/v1/deployments", "/api/v1/deployments/tally/run", "/file/manifest/x", "/execute/x", "/api/v1/devices/dev-1/drain"] {
            #expect(LeaderForwarding.matches(path), "\(path)")
        }
        for path in ["/api/v1/devices", "/api/v1/devices/dev-1", "/api/v1/devices/dev-1/cordon", "/api/v1/devices/drain-box", "/api/v1/events"] {
            #expect(!LeaderForwarding.matches(path), "\(path)")
        }
    }
}
