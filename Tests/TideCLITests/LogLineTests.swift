import Foundation
import Logging
import Testing
@testable import TideCLI

/// The servers' log lines: swift-log's layout, the time in UTC to the millisecond.
@Suite struct LogLineTests {
    static let time = Date(timeIntervalSince1970: 1_796_531_297.125)

    @Test func aLineHasTheMillisecondTheLevelTheLabelAndTheSource() {
        let line = StandardErrorLogHandler.line(
            time: Self.time, level: .notice, label: "tide.server", metadata: [:], source: "TideOrchestrator",
            message: "device sim-00000 is dead")
        #expect(line == "2026-12-06T04:28:17.125Z notice tide.server: [TideOrchestrator] device sim-00000 is dead\n")
    }

    @Test func metadataIsSortedByKeyAfterTheLabel() {
        let line = StandardErrorLogHandler.line(
            time: Self.time, level: .debug, label: "tide.store", metadata: ["b": "2", "a": "1"], source: "PostgresNIO", message: "closing")
        #expect(line == "2026-12-06T04:28:17.125Z debug tide.store: a=1 b=2 [PostgresNIO] closing\n")
    }

    @Test func theHandlerKeepsItsLevelAndMetadata() {
        var handler = StandardErrorLogHandler(label: "x", level: .warning)
        handler[metadataKey: "replica"] = "r1"
        #expect(handler.logLevel == .warning)
        #expect(handler[metadataKey: "replica"] == "r1")
    }
}
