import TideFixtures
import Testing
import TidePlacement

@Suite struct BenchmarkSmokeTests {
    @Test func smallRunPlacesEverythingAndReplans() {
        let report = PlacementBenchmark.run(devices: 200, deployments: 20, seed: 7)
        #expect(report.deployments == 20)
        #expect(report.unplaceableDeployments + report.exactPlans + report.beamPlans == 20)
        #expect(report.steps > 0)
        #expect(report.killedDevices == 2)
        #expect(report.replannedDeployments == report.exactPlans + report.beamPlans)
        #expect(PlacementBenchmark.run(devices: 200, deployments: 20, seed: 7).steps == report.steps)
    }
}
