import Foundation
import Testing
import TideModel
@testable import TideTesting

@Suite("tide dev: start, freeze, stop, restart", .stopsWhatItStarts)
struct DevFleetLifecycleTests {
    @Test("a device frozen by the pid the banner shows goes dead and comes back; a clean stop logs no errors; a restart records no false suspicion")
    func lifecycle() async throws {
        let directory = TemporaryDirectory.make()
        let arguments = ["dev", "--port", "{port}", "--data-dir", directory, "--registry", Repository.registry]
        let dev = try await ChildProcess.startTide(arguments, readyPath: "/healthz", scheme: "https")
        let base = "https://127.0.0.1:\(dev.port)"
        let http = try HTTPProbe.trusting(caFile: directory + "/tls/ca.pem")
        let token = try String(contentsOfFile: directory + "/operator.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let devices = { @Sendable () async throws -> [Device] in
            let answer = try await HTTPProbe.get(base + "/api/v1/devices", token: token, client: http)
            return try TideJSON.decoder().decode(DeviceList.self, from: Data(answer.body.utf8)).devices
        }
        let status = { @Sendable (name: String) async throws -> DeviceStatus? in try await devices().first { $0.name == name }?.status }
        #expect(try await eventually {
            let listed = try await devices()
            return listed.count == 5 && listed.allSatisfy { $0.status == .alive }
        })

        // The banner names each device's process; freezing one is noticed, resuming it too.
        #expect(try await eventually { dev.output().contains("kill -STOP") })
        let banner = dev.output()
        let pids = Self.pids(in: banner)
        #expect(pids.keys.sorted() == ["camera-gateway", "compute-node", "display", "edge-box", "sensor-node"], "\(banner)")
        let frozen = try #require(pids["compute-node"])
        #expect(banner.contains("kill -STOP \(frozen)"))
        kill(frozen, SIGSTOP)
        #expect(try await eventually { try await status("compute-node") == .dead })
        kill(frozen, SIGCONT)
        #expect(try await eventually { try await status("compute-node") == .alive })
        // Every device alive before the stop (one starved for seconds on a loaded machine may have
        // been found dead meanwhile, and comes back): what follows is about the restart only.
        #expect(try await eventually { try await devices().allSatisfy { $0.status == .alive } })

        // A clean stop ends every device process and logs no error.
        dev.stop()
        for (name, pid) in pids {
            #expect(try await eventually(timeout: .seconds(10)) { kill(pid, 0) != 0 }, "\(name) (pid \(pid)) outlived tide dev")
        }
        let errors = dev.output().split(separator: "\n").filter { $0.contains(" error ") || $0.contains(" critical ") }
        #expect(errors.isEmpty, "\(errors.joined(separator: "\n"))")

        // Started again on the same state, the devices come back without being suspected first.
        let restartedAt = Date()
        let again = try await ChildProcess.startTide(
            arguments, port: dev.port, readyPath: "/healthz", scheme: "https")
        defer { again.stop() }
        #expect(try await eventually { try await devices().allSatisfy { $0.status == .alive } })
        try await Task.sleep(for: .seconds(3))
        let page = try await HTTPProbe.get(base + "/api/v1/events", token: token, client: http)
        let events = try TideJSON.decoder().decode(EventPage.self, from: Data(page.body.utf8)).events
        // A device starved on a loaded machine may have been found dead just before the stop and
        // comes back alive now: only a change to suspect or dead would be a false suspicion.
        let suspicions = events.filter {
            $0.time >= restartedAt && $0.kind == .deviceStatusChanged && $0.details?["to"]?.stringValue != "alive"
        }
        #expect(suspicions.isEmpty, "\(suspicions.map(\.line).joined(separator: "\n"))")
    }

    /// `name  http://127.0.0.1:port  pid N` lines of the banner.
    static func pids(in banner: String) -> [String: Int32] {
        var pids: [String: Int32] = [:]
        for line in banner.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 4, words[1].hasPrefix("http://127.0.0.1:"), words[2] == "pid", let pid = Int32(words[3]) else { continue }
            pids[String(words[0])] = pid
        }
        return pids
    }
}
