import ArgumentParser
import Foundation
import TideClient
import TideModel

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Show the event log: registrations, status changes, label changes, removals.",
        discussion: """
            Without --since, shows the newest --tail events (default 50). With --follow, keeps printing new \
            events as they happen (Ctrl-C to stop); with --json and --follow, one JSON object per line. \
            Devices are shown as name (id), the id alone for a device the server no longer knows.
            """)
    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .shortAndLong, help: "Keep waiting for new events.") var follow = false
    @Option(help: "Only events of this device.") var device: String?
    @Option(help: "Only events after this event id (instead of the newest ones).") var since: Int64?
    @Option(help: "How many of the newest events to show first (1-10000).") var tail = 50
    @Option(help: "At most this many events per request (1-10000).") var limit = 1000

    func run() async throws {
        let client = try client.client()
        let deviceID = device.map(DeviceID.init(rawValue:))
        var cursor = since
        let first = try await call {
            try await client.events(since: since, tail: since == nil ? tail : nil, device: deviceID, limit: limit)
        }
        if output.json, !follow { return print(try TideJSON.text(first.events)) }
        var names = DeviceNames()
        if !output.json { names = await DeviceNames.load(client) }
        if !follow {
            for event in first.events { print(names.line(event)) }
            return
        }
        for event in first.events { try write(event, names) }
        cursor = first.cursor
        while !Task.isCancelled {
            let page = try await call { try await client.events(since: cursor, device: deviceID, limit: limit, wait: 30) }
            // A device registered while following: one more device list request for its name.
            if !output.json, page.events.contains(where: { $0.kind == .deviceRegistered && $0.device.map(names.knows) == false }) {
                names = await DeviceNames.load(client)
            }
            for event in page.events { try write(event, names) }
            cursor = page.cursor
        }
    }

    private func write(_ event: FleetEvent, _ names: DeviceNames) throws {
        let line = output.json ? try TideJSON.text(event, pretty: false) : names.line(event)
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
