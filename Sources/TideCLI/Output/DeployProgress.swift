import Foundation
import TideClient
import TideModel

/// The live lines of `tide deploy apply`: follows the event log while the deploy runs and prints
/// one line per `deployment.*` event of that deployment.
enum DeployProgress {
    /// Which events belong to the deployment being applied.
    struct Filter: Sendable {
        /// nil until known: then the first `deployment.applied` event names it.
        var name: String?

        mutating func accepts(_ event: FleetEvent) -> Bool {
            guard event.kind.rawValue.hasPrefix("deployment."), let deployment = event.details?["deployment"]?.stringValue else {
                return false
            }
            if let name { return deployment == name }
            guard event.kind == .deploymentApplied else { return false }
            name = deployment
            return true
        }
    }

    /// Where following stopped.
    struct Position: Sendable {
        var cursor: Int64
        var filter: Filter
    }

    /// Long-polls the events after `position` and prints those of the deployment until the task is
    /// cancelled or the server cannot be asked.
    static func follow(_ client: TideClient, from position: Position, names: DeviceNames) async -> Position {
        var position = position
        while !Task.isCancelled {
            do throws(ClientError) {
                let page = try await client.events(since: position.cursor, wait: 5)
                emit(page.events, &position.filter, names: names)
                position.cursor = page.cursor
            } catch {
                if !Task.isCancelled { write("(stopped following events: \(error.message))", to: .standardError) }
                break
            }
        }
        return position
    }

    /// Prints what arrived after `position` without waiting: the last events of the deploy.
    static func drain(_ client: TideClient, from position: Position, names: DeviceNames) async {
        var filter = position.filter
        guard let page = try? await client.events(since: position.cursor) else { return }
        emit(page.events, &filter, names: names)
    }

    static func emit(_ events: [FleetEvent], _ filter: inout Filter, names: DeviceNames) {
        for event in events where filter.accepts(event) { write(line(event, names: names)) }
    }

    /// `23:52:13.389Z  classify  gw-2 (dev-3f9a1c02b7e4)  running`: time, step, device, then the
    /// step's state (and error), or the event's message for events about the whole deployment.
    static func line(_ event: FleetEvent, names: DeviceNames) -> String {
        let stamp = TideJSON.formatTimestamp(event.time)
        let time = stamp.firstIndex(of: "T").map { String(stamp[stamp.index(after: $0)...]) } ?? stamp
        let step = event.details?["step"]?.stringValue ?? "-"
        let device = names.label(event.device)
        var what = event.message
        if event.kind == .deploymentStepChanged, let state = event.details?["state"]?.stringValue {
            what = state + (event.details?["error"]?.stringValue.map { ": " + $0 } ?? "")
        }
        return [time, padded(step, 14), padded(device, max(21, names.widestLabel)), what].joined(separator: "  ")
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// One line, unbuffered, so that it appears while the deploy is still running.
    static func write(_ line: String, to handle: FileHandle = .standardOutput) {
        handle.write(Data((line + "\n").utf8))
    }
}
