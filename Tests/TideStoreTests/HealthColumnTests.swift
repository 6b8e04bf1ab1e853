import Foundation
import Testing
import TideFixtures
import TideModel
@testable import TideStore

@Suite("The health column written without JSONEncoder")
struct HealthColumnTests {
    @Test("it reads back as the encoder's text does, for any finite report")
    func sameAsEncoder() throws {
        var random = SplitMix64(seed: 41)
        func fraction() -> Double { Double(random.next() % 1_000_001) / 1_000_000 }
        var reports = [
            HealthReport(cpuUsage: 0, memoryUsage: 1, receivedAt: Date(timeIntervalSince1970: 0)),
            HealthReport(cpuUsage: 0.1, memoryUsage: 0.3, receivedAt: Date(timeIntervalSince1970: 1_800_000_000.123)),
            HealthReport(cpuUsage: 1e-7, memoryUsage: 0.999999999, receivedAt: Date(timeIntervalSince1970: -86_400.5)),
        ]
        for _ in 0..<300 {
            let seconds = Double(random.next() % 4_000_000_000) + Double(random.next() % 1_000_000) / 1_000_000
            reports.append(HealthReport(cpuUsage: fraction(), memoryUsage: fraction(), receivedAt: Date(timeIntervalSince1970: seconds)))
        }
        for report in reports {
            let written = try DeviceRecord.healthText(report)
            let encoded = try DeviceRecord.jsonText(report, column: "health")
            let fromWritten = try DeviceRecord.jsonValue(HealthReport.self, from: written, column: "health")
            let fromEncoded = try DeviceRecord.jsonValue(HealthReport.self, from: encoded, column: "health")
            #expect(fromWritten == fromEncoded, "\(written) against \(encoded)")
        }
    }

    @Test("a non-finite number is refused as the encoder refuses it")
    func nonFinite() {
        #expect(throws: StoreError.self) {
            try DeviceRecord.healthText(HealthReport(cpuUsage: .nan, memoryUsage: 0.1, receivedAt: Date()))
        }
    }
}
