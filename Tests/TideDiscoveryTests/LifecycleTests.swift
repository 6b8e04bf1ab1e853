import CAvahi
import Testing
@testable import TideDiscovery

@Suite("Avahi glue without a daemon")
struct LifecycleTests {
    @Test func stringListKeepsOrderAndBytes() {
        let list = Avahi.makeStringList(["b=2", "a=1", "flag"])
        defer { avahi_string_list_free(list) }
        #expect(Avahi.entries(list) == [Array("b=2".utf8), Array("a=1".utf8), Array("flag".utf8)])
        #expect(Avahi.makeStringList([]) == nil)
        #expect(Avahi.entries(nil).isEmpty)
    }

    @Test func browserShutdownBeforeStartFinishesEventsAndIsIdempotent() async throws {
        let browser = try ServiceBrowser()
        browser.shutdown()
        browser.shutdown()
        var count = 0
        for await _ in browser.events { count += 1 }
        #expect(count == 0)
        #expect(throws: DiscoveryError.alreadyStarted) { try browser.start() }
    }

    @Test func publisherRejectsInvalidServices() {
        #expect(throws: DiscoveryError.self) { try ServicePublisher(ServiceDescription(name: "", port: 1)) }
        #expect(throws: DiscoveryError.self) {
            try ServicePublisher(ServiceDescription(name: "x", port: 1, txt: ["bad=key": "1"]))
        }
        #expect(throws: DiscoveryError.self) {
            try ServicePublisher(ServiceDescription(name: String(repeating: "n", count: 64), port: 1))
        }
    }

    @Test func errorStringsComeFromAvahi() {
        #expect(Avahi.errorString(Int32(AVAHI_ERR_DISCONNECTED)) == "Daemon connection failed")
        #expect(!Avahi.errorString(Int32(AVAHI_ERR_NO_DAEMON)).isEmpty)
    }
}
