import ArgumentParser
import Foundation
import TideStore

/// `tide-bench dashboard-fleet`: writes a data directory holding a large synthetic fleet, for
/// `scripts/browser-test --bench`, which serves it with `tide server --probe-interval 0` (nothing is
/// probed, every device stays alive) and times the dashboard's first load in Chromium.
struct DashboardFleet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard-fleet",
        abstract: "Write a data directory with a synthetic fleet for the dashboard benchmark (scripts/browser-test --bench).")

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("The data directory to create (must not exist yet).", valueName: "path"))
    var dataDirectory: String
    @Option(help: "Devices to insert.") var devices = 1_000

    func validate() throws {
        guard devices >= 1 else { throw ValidationError("--devices must be at least 1") }
        guard !FileManager.default.fileExists(atPath: dataDirectory) else {
            throw ValidationError("\(dataDirectory) exists already; give a new directory")
        }
    }

    func run() async throws {
        do {
            try FileManager.default.createDirectory(
                atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let store = try TideStore(path: dataDirectory + "/tide.sqlite")
            try store.insert(SyntheticDevices.make(count: devices))
        } catch {
            throw BenchFailure("cannot write the fleet into \(dataDirectory): \(error)")
        }
        print("{\"devices\": \(devices), \"dataDirectory\": \"\(dataDirectory)\"}")
    }
}
