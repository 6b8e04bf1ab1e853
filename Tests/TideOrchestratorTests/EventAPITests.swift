import Foundation
import Testing
import TideModel
@testable import TideTesting

@Suite("Event log", .stopsWhatItStarts)
struct EventAPITests {
    @Test("since, device filter and long polling")
    func polling() async throws {
        let server = try await TestServer.start()
        let first = try await FakeDevice.start()
        let second = try await FakeDevice.start()
        let client = server.client
        let a = try await client.addDevice(address: first.address)
        let page = try await client.events()
        #expect(page.events.count == 1)
        #expect(page.cursor == page.events[0].id)

        // A waiting reader is woken by the next event, well before its timeout.
        let started = ContinuousClock.now
        async let waited = client.events(since: page.cursor, wait: 60)
        try await Task.sleep(for: .milliseconds(200))
        let b = try await client.addDevice(address: second.address)
        let next = try await waited
        // Woken, not timed out: half the wait (on a loaded machine the registration alone took 6 s).
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(next.events.map(\.device) == [b.id])

        #expect(try await client.events(device: a.id).events.map(\.device) == [a.id])
        let empty = try await client.events(since: next.cursor, wait: 1)
        #expect(empty.events.isEmpty)
        #expect(empty.cursor == next.cursor)

        let time = TideJSON.formatTimestamp(page.events[0].time)
        let byTime = try await server.request(.GET, "/api/v1/events?since=\(time)")
        #expect(try TideJSON.decoder().decode(EventPage.self, from: Data(byTime.body.utf8)).events.count == 2)
        let bad = try await server.request(.GET, "/api/v1/events?since=yesterday")
        #expect(bad.status == 400)
        #expect(errorOf(bad.body)?.message == "since must be an event id or an ISO 8601 time, got \"yesterday\"")
        // The newest events, oldest first.
        let tail = try await client.events(tail: 1)
        #expect(tail.events.map(\.device) == [b.id])
        #expect(tail.cursor == next.cursor)

        // A reader waiting for one device's events is not answered by another device's event.
        let waitStarted = ContinuousClock.now
        async let forA = client.events(since: next.cursor, device: a.id, wait: 2)
        try await Task.sleep(for: .milliseconds(200))
        _ = try await client.label(b.id, ["zone": "lobby"])
        let answerForA = try await forA
        #expect(answerForA.events.isEmpty)
        #expect(ContinuousClock.now - waitStarted >= .milliseconds(1900))

        let badLimit = try await server.request(.GET, "/api/v1/events?limit=0")
        #expect(errorOf(badLimit.body)?.message == "limit must be a whole number from 1 to 10000, got \"0\"")
    }
}
