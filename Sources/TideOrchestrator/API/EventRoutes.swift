import Foundation
import Hummingbird
import TideHTTP
import TideModel
import TideStore

/// `/api/v1/events`: the event log, with long polling for followers.
struct EventRoutes {
    let store: any FleetStore
    let bus: EventBus
    static let maxWait = Duration.seconds(60)

    func add(to group: RouterGroup<TideRequestContext>) {
        group.get("events") { request, _ in try await list(request) }
    }

    /// `since`: an event id (events after it) or an ISO 8601 time (events at or after it);
    /// `tail`: instead, the N newest events; `device`: one device's events; `limit`: at most this
    /// many (default 1000); `wait`: seconds to wait for a new event when there is none yet (at most 60).
    func list(_ request: Request) async throws -> Response {
        if let tailText = request.query("tail") {
            guard request.query("since") == nil else { throw APIError.badRequest("give either since or tail, not both") }
            let count = try intParameter(request, "tail", default: 0, range: 1...10_000)
            _ = tailText
            let device = request.query("device").map(DeviceID.init(rawValue:))
            let events: [FleetEvent]
            do {
                events = try await store.latestEvents(count, device: device)
            } catch {
                throw APIError.internalError(error.description)
            }
            return try .json(EventPage(events: events, cursor: try await latestIDUnlessGiven(events.last?.id)))
        }
        var afterID: Int64?
        var sinceTime: Date?
        if let since = request.query("since") {
            if let id = Int64(since) {
                afterID = id
            } else if let time = TideJSON.parseTimestamp(since) {
                sinceTime = time
            } else {
                throw APIError.badRequest("since must be an event id or an ISO 8601 time, got \"\(since)\"")
            }
        }
        let device = request.query("device").map(DeviceID.init(rawValue:))
        let limit = try intParameter(request, "limit", default: 1000, range: 1...10_000)
        let wait = try intParameter(request, "wait", default: 0, range: 0...Int(Self.maxWait.components.seconds))

        var events = try await fetch(afterID: afterID, since: sinceTime, device: device, limit: limit)
        if events.isEmpty, wait > 0, let afterID {
            // Another device's event wakes the wait too; keep waiting until one matches or time is up.
            let deadline = ContinuousClock.now + .seconds(wait)
            var seen = afterID
            while events.isEmpty, ContinuousClock.now < deadline {
                await bus.wait(after: seen, timeout: deadline - ContinuousClock.now)
                seen = max(seen, try await latestID())
                events = try await fetch(afterID: afterID, since: sinceTime, device: device, limit: limit)
            }
        }
        // With nothing new, the cursor stays where the reader is; for a time-based query that
        // matched nothing, every event so far is older, so the cursor is the newest id.
        let cursor = try await latestIDUnlessGiven(events.last?.id ?? afterID)
        return try .json(EventPage(events: events, cursor: cursor))
    }

    private func latestIDUnlessGiven(_ id: Int64?) async throws -> Int64 {
        if let id { return id }
        return try await latestID()
    }

    private func latestID() async throws -> Int64 {
        do {
            return try await store.latestEventID()
        } catch {
            throw APIError.internalError(error.description)
        }
    }

    private func fetch(afterID: Int64?, since: Date?, device: DeviceID?, limit: Int) async throws -> [FleetEvent] {
        do {
            return try await store.events(afterID: afterID, since: since, device: device, limit: limit)
        } catch {
            throw APIError.internalError(error.description)
        }
    }

    private func intParameter(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.query(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return number
    }
}
