/// `GET /api/v1/events`.
public struct EventPage: Sendable, Codable, Equatable {
    public var events: [FleetEvent]
    /// Pass as `since` to get the events after these.
    public var cursor: Int64
    public init(events: [FleetEvent], cursor: Int64) {
        self.events = events
        self.cursor = cursor
    }
}
