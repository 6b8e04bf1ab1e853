import Foundation
import Testing
@testable import TideModel

@Suite("Device descriptions and health reports")
struct DeviceDescriptionTests {
    @Test("the wasmiot shape parses into capabilities")
    func wasmiotShape() throws {
        let parsed = try DeviceDescription(parsing: [
            "platform": ["memory": ["bytes": 4_294_967_296], "cpu": ["humanReadableName": "Intel", "clockSpeed": ["Hz": 2_400_000_000]]],
            "supervisorInterfaces": ["print", "fd_write", "print"],
        ])
        #expect(parsed.capabilities == DeviceCapabilities(
            interfaces: ["fd_write", "print"], memoryBytes: 4_294_967_296, cpuName: "Intel", cpuClockHz: 2_400_000_000))
        #expect(parsed.reportedID == nil)
    }

    @Test("what a real wasmiot supervisor sends: a fractional clock is rounded down; CPU fields of another type are left out")
    func tolerantCPUFields() throws {
        let real = try DeviceDescription(parsing: [
            "platform": ["memory": ["bytes": 8_000_000_000], "cpu": ["humanReadableName": "Intel(R) Core(TM) i7", "clockSpeed": ["Hz": 908_658_406.083699]]],
            "supervisorInterfaces": ["takeImage"],
        ])
        #expect(real.capabilities.cpuClockHz == 908_658_406 && real.capabilities.cpuName == "Intel(R) Core(TM) i7")
        let odd = try DeviceDescription(parsing: [
            "platform": ["memory": ["bytes": 1], "cpu": ["humanReadableName": 5, "clockSpeed": ["Hz": "fast"]]], "supervisorInterfaces": [],
        ])
        #expect(odd.capabilities.cpuClockHz == nil && odd.capabilities.cpuName == nil)
        let negative = try DeviceDescription(parsing: [
            "platform": ["memory": ["bytes": 1], "cpu": ["clockSpeed": ["Hz": -3]]], "supervisorInterfaces": [],
        ])
        #expect(negative.capabilities.cpuClockHz == nil)
    }

    @Test("a wasmiot supervisor's cpuUsage is in percent, a Tide supervisor's a fraction")
    func cpuDialect() throws {
        let wasmiot = try DeviceDescription(parsing: ["platform": ["memory": ["bytes": 1]], "supervisorInterfaces": []])
        let tide = try DeviceDescription(parsing: ["platform": ["memory": ["bytes": 1]], "supervisorInterfaces": [], "tide": ["id": "t-1"]])
        #expect(wasmiot.supervisor == .wasmiot && tide.supervisor == .tide)
        #expect(wasmiot.supervisor.reportsCPUPercent && !tide.supervisor.reportsCPUPercent)
        #expect(!wasmiot.supervisor.carriesFloats && tide.supervisor.carriesFloats)
        let now = Date()
        let percent = try HealthReport(parsing: ["cpuUsage": 96.8, "memoryUsage": 0.4], receivedAt: now).cpuFromPercent()
        #expect(abs(percent.cpuUsage - 0.968) < 1e-9 && percent.memoryUsage == 0.4)
        // psutil's first call and busy multi-core hosts: kept within 0...1.
        #expect(try HealthReport(parsing: ["cpuUsage": 100.0, "memoryUsage": 0.4], receivedAt: now).cpuFromPercent().cpuUsage == 1)
        #expect(try HealthReport(parsing: ["cpuUsage": 250.0, "memoryUsage": 0.4], receivedAt: now).cpuFromPercent().cpuUsage == 1)
        #expect(try HealthReport(parsing: ["cpuUsage": 0.0, "memoryUsage": 0.4], receivedAt: now).cpuFromPercent().cpuUsage == 0)
    }

    static let badCases: [(JSONValue, String)] = [
        (JSONValue.array([]), "the description is an array, not a JSON object"),
        (["supervisorInterfaces": []], "missing field platform"),
        (["platform": "x", "supervisorInterfaces": []], "platform is a string, not an object"),
        (["platform": ["memory": [:]], "supervisorInterfaces": []], "missing field platform.memory.bytes"),
        (["platform": ["memory": ["bytes": "lots"]], "supervisorInterfaces": []], "platform.memory.bytes is a string, not a number"),
        (["platform": ["memory": ["bytes": -1]], "supervisorInterfaces": []], "platform.memory.bytes must be a whole number of at least 0, got -1.0"),
        (["platform": ["memory": ["bytes": 1]]], "missing field supervisorInterfaces"),
        (["platform": ["memory": ["bytes": 1]], "supervisorInterfaces": "fd_write"], "supervisorInterfaces is a string, not an array of names"),
        (["platform": ["memory": ["bytes": 1]], "supervisorInterfaces": ["ok", 3]], "supervisorInterfaces[1] is a number, not a string"),
        (["platform": ["memory": ["bytes": 1]], "supervisorInterfaces": [], "tide": ["id": "has space"]], "tide.id must be 1-128 letters, digits, \"-\", \"_\" or \".\""),
    ]

    @Test("bad descriptions name the field", arguments: badCases)
    func badDescriptions(json: JSONValue, message: String) {
        #expect(throws: DeviceDescriptionError.self) { try DeviceDescription(parsing: json) }
        do {
            _ = try DeviceDescription(parsing: json)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test("health reports")
    func health() throws {
        let now = Date()
        #expect(try HealthReport(parsing: ["cpuUsage": 0.5, "memoryUsage": 0.25], receivedAt: now)
            == HealthReport(cpuUsage: 0.5, memoryUsage: 0.25, receivedAt: now))
        #expect(throws: DeviceDescriptionError("health report is missing field memoryUsage")) {
            try HealthReport(parsing: ["cpuUsage": 0.5], receivedAt: now)
        }
        #expect(throws: DeviceDescriptionError("health report field cpuUsage is a string, not a number")) {
            try HealthReport(parsing: ["cpuUsage": "high", "memoryUsage": 0.1], receivedAt: now)
        }
    }
}
