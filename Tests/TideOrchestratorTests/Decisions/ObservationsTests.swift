import Foundation
import Testing
import TideModel
@testable import TideOrchestrator

/// Which heartbeat reports reach the controller: the first, a changed one, one repeated after
/// the refresh, and any after the desired state of the device changed; not a plain repeat.
@Suite("Reported deployments: what is news")
struct ObservationsTests {
    let device = DeviceID("dev-a")
    let other = DeviceID("dev-b")
    let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("the first report, a change, and a repeat after 10 s are news; a plain repeat is not")
    func news() {
        let observations = Observations()
        #expect(observations.isNews(device, ["demo": 3], now: epoch))
        #expect(observations.take(device, ["demo": 3], now: epoch))
        #expect(!observations.isNews(device, ["demo": 3], now: epoch + 9.9))
        #expect(!observations.take(device, ["demo": 3], now: epoch + 9.9))
        #expect(observations.isNews(device, ["demo": 4], now: epoch + 1))
        #expect(observations.isNews(device, [:], now: epoch + 1))
        #expect(observations.isNews(device, ["demo": 3], now: epoch + 10))
        #expect(observations.isNews(other, ["demo": 3], now: epoch + 1))
        // Asking does not remember: only `take` does.
        #expect(observations.take(device, ["demo": 4], now: epoch + 1))
        #expect(observations.reported(device, "demo") == 4)
        #expect(observations.reported(device, "other") == nil)
    }

    @Test("forgetting a device (its desired state changed) makes its next report news")
    func forget() {
        let observations = Observations()
        #expect(observations.take(device, ["demo": 3], now: epoch))
        #expect(observations.take(other, ["demo": 3], now: epoch))
        observations.forget([device])
        #expect(observations.isNews(device, ["demo": 3], now: epoch + 1))
        #expect(!observations.isNews(other, ["demo": 3], now: epoch + 1))
        observations.forgetAll()
        #expect(observations.isNews(other, ["demo": 3], now: epoch + 1))
        #expect(observations.reported(other, "demo") == nil)
    }

    @Test("a heartbeat's list as a report: a repeated deployment counts once, the first")
    func generations() {
        let list = [
            Heartbeat.DeploymentState(id: "demo", generation: 3), Heartbeat.DeploymentState(id: "demo", generation: 5),
            Heartbeat.DeploymentState(id: "cam", generation: 1),
        ]
        #expect(list.generations == ["demo": 3, "cam": 1])
    }
}
