import Foundation
import Testing

@testable import TideSupervisor
@testable import TideTesting

/// Device profiles are read like manifests: every unknown key, wrong type and bad value is
/// refused with its line and what is allowed, never silently dropped.
@Suite("Device profiles", .stopsWhatItStarts)
struct DeviceProfileTests {
    private func problems(_ yaml: String) -> [String] {
        do {
            _ = try DeviceProfile.parse(yaml, source: "profile.yaml")
            return []
        } catch {
            return error.lines
        }
    }

    @Test func aMisspelledTopLevelKeyIsRefusedWithItsLineAndTheAllowedKeys() {
        let lines = problems(
            """
            name: lobby-camera
            labels: { zone: lobby }
            pheripherals:
              - { name: cam0, kind: camera }
            """)
        #expect(lines == [
            "profile.yaml line 3: unknown field \"pheripherals\" (did you mean \"peripherals\"?); allowed fields: name, labels, peripherals, simulation"
        ])
    }

    @Test func unknownKeysAreRefusedAtEveryLevel() {
        let lines = problems(
            """
            name: lobby-camera
            peripherals:
              - { name: cam0, knd: camera }
            simulation:
              memroy: 256MiB
              cpu: { name: A53, clockHZ: 1200000000 }
              os: linux
            """)
        #expect(lines == [
            "profile.yaml line 3: peripherals[0]: unknown field \"knd\" (did you mean \"kind\"?); allowed fields: name, kind, simulated",
            "profile.yaml line 3: peripherals[0].kind: required field is missing",
            "profile.yaml line 5: simulation: unknown field \"memroy\" (did you mean \"memory\"?); allowed fields: memory, cpu, arch",
            "profile.yaml line 7: simulation: unknown field \"os\"; allowed fields: memory, cpu, arch",
            "profile.yaml line 6: simulation.cpu: unknown field \"clockHZ\" (did you mean \"clockHz\"?); allowed fields: name, clockHz",
        ])
    }

    @Test func wrongTypesAndValuesAreRefused() {
        let lines = problems(
            """
            name: [a, b]
            labels: [zone]
            peripherals:
              - { kind: lidar }
              - { kind: camera, simulated: maybe }
              - { kind: camera, simulated: false }
              - cam0
            simulation:
              memory: lots
              cpu: { clockHz: fast }
            """)
        #expect(lines == [
            "profile.yaml line 1: name: expected text, found a list",
            "profile.yaml line 2: labels: expected a mapping of names to text, such as {zone: lobby}, found a list",
            "profile.yaml line 4: peripherals[0].kind: unknown peripheral kind \"lidar\"; use camera or temperature-humidity",
            "profile.yaml line 5: peripherals[1].simulated: \"maybe\" is not true or false",
            "profile.yaml line 6: peripherals[2].simulated: this supervisor only simulates peripherals so far; remove simulated: false",
            "profile.yaml line 7: peripherals[3]: expected a mapping with fields name, kind, simulated, found text \"cam0\"",
            "profile.yaml line 9: simulation.memory: \"lots\" is not a size such as 268435456, 256MiB or 1GiB",
            "profile.yaml line 10: simulation.cpu.clockHz: \"fast\" is not a whole number of hertz such as 1200000000",
        ])
    }

    @Test func peripheralsMustBeAList() {
        #expect(problems("peripherals: { cam0: camera }") == [
            "profile.yaml line 1: peripherals: expected a list such as [{ name: cam0, kind: camera }], found a mapping"
        ])
    }

    @Test func emptyAndInvalidFilesAreRefused() {
        #expect(problems("") == ["profile.yaml: the file is empty; a profile sets at least one of name, labels, peripherals, simulation"])
        let invalid = problems("name: a: b")
        #expect(invalid.count == 1 && invalid.first?.hasPrefix("profile.yaml line 1, column ") == true, "\(invalid)")
        #expect(invalid.first?.contains("not valid YAML") == true, "\(invalid)")
        #expect(problems("name: a\nname: b") == ["profile.yaml line 2: \"name\" appears twice (first on line 1)"])
    }

    @Test func aliasesAndDefaultsStillParse() throws {
        let profile = try DeviceProfile.parse("peripherals: [{ kind: dht22 }, { name: cam1, kind: Camera }]")
        #expect(profile.peripherals == [
            .init(name: "dht22", kind: .temperatureHumidity), .init(name: "cam1", kind: .camera),
        ])
    }

    @Test func everyExampleProfileParses() throws {
        let folder = Repository.root + "/profiles"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
        #expect(names.contains("lobby-camera.yaml"))
        for name in names {
            let profile = try DeviceProfile.load(path: "\(folder)/\(name)")
            #expect(profile.name != nil, "\(name)")
        }
        let lobby = try DeviceProfile.load(path: folder + "/lobby-camera.yaml")
        #expect(lobby.has(.camera) && lobby.has(.temperatureHumidity))
        #expect(lobby.labels == ["zone": "lobby", "floor": "1"])
        #expect(lobby.simulatedMemoryBytes == 256 << 20)
    }

    @Test("tide supervisor --profile with a misspelled key exits at start with the line and the allowed keys")
    func supervisorRefusesABadProfile() async throws {
        let directory = TemporaryDirectory.make("profile")
        let path = directory + "/bad.yaml"
        try "name: sensor\npheripherals: []\n".write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = try await TideProcess.run([
            "supervisor", "--port", "0", "--profile", path, "--data-dir", directory + "/data", "--heartbeat-interval", "0",
        ])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains(
            "\(path) line 2: unknown field \"pheripherals\" (did you mean \"peripherals\"?); allowed fields: name, labels, peripherals, simulation"),
            "\(outcome.stderr)")
    }
}
