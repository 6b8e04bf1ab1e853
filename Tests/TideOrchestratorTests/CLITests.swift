import Foundation
import Testing
import TideModel
@testable import TideTesting

@Suite("tide CLI against a running server", .stopsWhatItStarts)
struct CLITests {
    @Test("device ls --json, the table, show, label, rm, events")
    func deviceCommands() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start()
        let common = ["--server", server.baseURL, "--data-dir", server.dataDirectory]

        let added = try await TideProcess.run(["device", "add", device.address, "--name", "gw-1"] + common)
        #expect(added.status == 0, "\(added.stderr)")
        let id = try #require(added.stdout.split(separator: " ").first.map(String.init))

        let json = try await TideProcess.run(["device", "ls", "--json"] + common)
        #expect(json.status == 0)
        let list = try TideJSON.decoder().decode(DeviceList.self, from: Data(json.stdout.utf8))
        #expect(list.devices.map(\.id.rawValue) == [id])
        #expect(list.devices.first?.name == "gw-1")

        let table = try await TideProcess.run(["device", "ls"] + common)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].split(separator: " ", omittingEmptySubsequences: true) == ["ID", "NAME", "ADDRESS", "STATUS", "SINCE", "TRUST", "MEMORY", "INTERFACES"])
        let cells = lines[1].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        #expect(cells.first == id)
        #expect(cells.contains("gw-1") && cells.contains("http://" + device.address) && cells.contains("alive"))
        #expect(lines[1].contains("256 MiB"))
        #expect(cells.last == "3")

        // The token can come from the environment instead of the data directory.
        let viaEnvironment = try await TideProcess.run(
            ["device", "show", id], environment: ["TIDE_SERVER": server.baseURL, "TIDE_TOKEN": server.token ?? ""])
        #expect(viaEnvironment.status == 0)
        #expect(viaEnvironment.stdout.contains("memory:      256 MiB"))
        #expect(viaEnvironment.stdout.contains("cpu:         Simulated Cortex-A53 @ 1.20 GHz"))

        let labelled = try await TideProcess.run(["device", "label", id, "zone=lobby", "--json"] + common)
        #expect(try TideJSON.decoder().decode(Device.self, from: Data(labelled.stdout.utf8)).labels == ["zone": "lobby"])

        let events = try await TideProcess.run(["events", "--json"] + common)
        let decoded = try TideJSON.decoder().decode([FleetEvent].self, from: Data(events.stdout.utf8))
        #expect(decoded.map(\.kind) == [.deviceRegistered, .deviceLabelsChanged])

        let removed = try await TideProcess.run(["device", "rm", id] + common)
        #expect(removed.status == 0)
        #expect(removed.stdout == "removed \(id); its heartbeats and registrations are refused until it is added again (tide device add) or joins with a new join token\n")
        #expect(try await server.client.devices().isEmpty)
    }

    @Test("failures exit 1 with one line on stderr")
    func failures() async throws {
        let server = try await TestServer.start()
        let common = ["--server", server.baseURL, "--data-dir", server.dataDirectory]

        let unknown = try await TideProcess.run(["device", "show", "dev-nope"] + common)
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "tide: no device with id \"dev-nope\"\n")

        let noToken = try await TideProcess.run(["device", "ls", "--server", server.baseURL, "--data-dir", "/nonexistent"])
        #expect(noToken.status == 1)
        #expect(noToken.stderr.hasPrefix("tide: this endpoint needs an operator token"))

        let down = try await TideProcess.run(["device", "ls", "--server", "http://127.0.0.1:1"])
        #expect(down.status == 1)
        #expect(down.stderr.hasPrefix("tide: cannot reach the Tide server at http://127.0.0.1:1: connection refused"))
        #expect(down.stderr.split(separator: "\n").count == 1)
    }

    @Test("every command has help")
    func help() async throws {
        for command in [[], ["server"], ["device"], ["device", "ls"], ["device", "show"], ["device", "add"], ["device", "rm"], ["device", "label"], ["events"]] {
            let outcome = try await TideProcess.run(command + ["--help"])
            #expect(outcome.status == 0, "\(command)")
            #expect(outcome.stdout.contains("USAGE:"), "\(command)")
        }
        // Operator commands only: the benchmarks are tide-bench's.
        let tide = try await TideProcess.run(["--help"])
        #expect(!tide.stdout.contains("bench"), "\(tide.stdout)")
        #expect(try await TideProcess.run(["bench", "inventory"]).status != 0)
        let bench = TideProcess.executable.deletingLastPathComponent().appendingPathComponent("tide-bench")
        for command in [[], ["inventory"], ["resolve"], ["monitor"], ["supervisor"], ["discovery"], ["solve"], ["plan"], ["deploy"], ["failover"], ["enroll"]] {
            let outcome = try await TideProcess.run(command + ["--help"], executable: bench)
            #expect(outcome.status == 0, "tide-bench \(command)")
            #expect(outcome.stdout.contains("USAGE: tide-bench"), "tide-bench \(command): \(outcome.stdout)")
        }
        let missing = try await TideProcess.run(["solve", "--tide", "/nonexistent/tide"], executable: bench)
        #expect(missing.status == 1)
        #expect(missing.stderr == "tide-bench: --tide /nonexistent/tide: no executable there (build it: swift build -c release --product tide)\n")
    }
}
