import Foundation
import Testing
import TideDiscovery

/// Against the confined avahi-daemon of scripts/avahi/start --pair (see docs/discovery.md).
/// Serialized: some tests stop and restart the shared daemon.
@Suite(
    "Discovery against a confined avahi-daemon",
    .serialized,
    .enabled(
        if: AvahiTestEnvironment.isUp,
        "needs the confined Avahi environment: run scripts/avahi/test-env (sets TIDE_AVAHI_NETNS)"
    )
)
struct DiscoveryIntegrationTests {
    static let retry = Duration.milliseconds(200)

    func startBrowser() throws -> (ServiceBrowser, EventRecorder<DiscoveryEvent>) {
        let browser = try ServiceBrowser(retryDelay: Self.retry)
        let recorder = EventRecorder(browser.events)
        try browser.start()
        return (browser, recorder)
    }

    func startPublisher(_ service: ServiceDescription) throws -> (ServicePublisher, EventRecorder<PublisherEvent>) {
        let publisher = try ServicePublisher(service, retryDelay: Self.retry)
        let recorder = EventRecorder(publisher.events)
        try publisher.start()
        return (publisher, recorder)
    }

    @Test func findsAServicePublishedByAvahiPublishWithTXTAndSeesItRemoved() async throws {
        let name = AvahiTestEnvironment.uniqueName("avahi-publish")
        let (browser, events) = try startBrowser()
        defer { browser.shutdown() }
        let publish = try AvahiTestEnvironment.avahiPublish(
            name: name, port: 8123, txt: ["path=/", "tls=0", "address=10.99.0.7", "Vendor=Acme", "flagonly"]
        )
        defer { terminate(publish) }

        let found = try #require(await events.next { $0.isFound(name) })
        let instance = try #require(found.event.instance)
        #expect(instance.port == 8123)
        #expect(instance.type == "_webthing._tcp")
        #expect(instance.domain == "local")
        #expect(instance.hostName == "tide-a.local")
        #expect(instance.txt == ["path": "/", "tls": "0", "address": "10.99.0.7", "vendor": "Acme", "flagonly": ""])
        #expect(instance.addresses.first == "10.99.0.7", "the wasmiot address comes first")
        #expect(instance.addresses.contains("127.0.0.1"), "the resolved address is kept")
        // In pair mode the same instance is also seen on the veth: merged into one instance.
        let known = try #require(browser.instances.first { $0.name == name })
        #expect(known.addresses.first == "10.99.0.7")
        #expect(Set(known.addresses).isSuperset(of: ["10.99.0.7", "127.0.0.1"]))
        #expect(browser.instances.filter { $0.name == name }.count == 1)

        terminate(publish)
        let removed = await events.next(after: found.index) { $0.isRemoved(name) }
        #expect(removed != nil, "a goodbye is reported as .removed")
        #expect(!browser.instances.contains { $0.name == name })
    }

    @Test func swiftPublisherIsFoundByTheSwiftBrowserAndUpdatesAndWithdrawals() async throws {
        let name = AvahiTestEnvironment.uniqueName("tide-publisher")
        let (browser, events) = try startBrowser()
        defer { browser.shutdown() }
        let (publisher, published) = try startPublisher(
            ServiceDescription(name: name, port: 8500, txt: ["path": "/", "tls": "0", "address": "10.99.0.8"])
        )
        defer { publisher.stop() }

        #expect(await published.next { $0 == .published(name: name) } != nil)
        let found = try #require(await events.next { $0.isFound(name) })
        #expect(found.event.instance?.port == 8500)
        #expect(found.event.instance?.addresses.first == "10.99.0.8")

        try publisher.updateTXT(["path": "/v2", "tls": "1"])
        let updated = await events.next(after: found.index) {
            if case .updated(let instance) = $0 { return instance.name == name && instance.txt["path"] == "/v2" }
            return false
        }
        #expect(updated?.event.instance?.txt == ["path": "/v2", "tls": "1"])
        #expect(updated?.event.instance?.addresses.contains("10.99.0.8") == false, "no address key, no TXT address")

        publisher.stop()
        publisher.stop()
        #expect(await events.next(after: found.index) { $0.isRemoved(name) } != nil)
    }

    @Test func nameCollisionMovesToAnAlternativeName() async throws {
        let name = AvahiTestEnvironment.uniqueName("collide")
        let (first, firstEvents) = try startPublisher(ServiceDescription(name: name, port: 8601))
        defer { first.stop() }
        #expect(await firstEvents.next { $0 == .published(name: name) } != nil)

        let (second, secondEvents) = try startPublisher(ServiceDescription(name: name, port: 8602))
        defer { second.stop() }
        let renamed = await secondEvents.next {
            if case .renamed(let from, _) = $0 { return from == name }
            return false
        }
        #expect(renamed != nil)
        let established = await secondEvents.next { $0.publishedName?.hasPrefix(name) == true }
        #expect(established?.event.publishedName != name)
        #expect(second.currentName != name)
        #expect(second.currentName == established?.event.publishedName)
    }

    @Test func browserAndPublisherRecoverFromADaemonRestart() async throws {
        let name = AvahiTestEnvironment.uniqueName("restart")
        let (browser, events) = try startBrowser()
        defer { browser.shutdown() }
        let (publisher, published) = try startPublisher(ServiceDescription(name: name, port: 8700, txt: ["path": "/"]))
        defer { publisher.stop() }
        let firstPublication = try #require(await published.next { $0 == .published(name: name) })
        let found = try #require(await events.next { $0.isFound(name) })

        try AvahiTestEnvironment.daemon("restart")

        let lost = await events.next(after: found.index) { $0.isUnavailable }
        #expect(lost != nil, "the browser reports the disconnect")
        let back = await events.next(after: lost?.index ?? found.index) { $0 == .daemonAvailable }
        #expect(back != nil, "the browser reconnects")
        let publisherLost = await published.next(after: firstPublication.index) { $0.isUnavailable }
        #expect(publisherLost != nil)
        let republished = await published.next(after: publisherLost?.index ?? firstPublication.index) {
            $0 == .published(name: name)
        }
        #expect(republished != nil, "the publisher re-publishes after the restart")

        // A fresh browser sees the re-published service: it really is announced again.
        let (fresh, freshEvents) = try startBrowser()
        defer { fresh.shutdown() }
        #expect(await freshEvents.next { $0.isFound(name) } != nil)

        // The old browser still browses: a new service appears in it.
        let later = AvahiTestEnvironment.uniqueName("after-restart")
        let publish = try AvahiTestEnvironment.avahiPublish(name: later, port: 8701, txt: ["path=/"])
        defer { terminate(publish) }
        #expect(await events.next(after: back?.index ?? 0) { $0.isFound(later) } != nil)
        // The instance known before the restart is still known, not removed.
        #expect(browser.instances.contains { $0.name == name })
        #expect(!events.events.contains { $0.isRemoved(name) }, "a restart is not a goodbye")
    }

    @Test func browserAndPublisherStartedWithoutTheDaemonCatchUpWhenItAppears() async throws {
        try AvahiTestEnvironment.daemon("stop")
        var daemonStopped = true
        defer { if daemonStopped { try? AvahiTestEnvironment.daemon("start") } }

        let name = AvahiTestEnvironment.uniqueName("late-daemon")
        let (browser, events) = try startBrowser()
        defer { browser.shutdown() }
        let (publisher, published) = try startPublisher(ServiceDescription(name: name, port: 8800))
        defer { publisher.stop() }

        let unavailable = await events.next(timeout: .seconds(5)) { $0.isUnavailable }
        #expect(unavailable != nil, "the browser says once that the daemon is missing")
        #expect(await published.next(timeout: .seconds(5)) { $0.isUnavailable } != nil)
        try await Task.sleep(for: .seconds(1))
        #expect(events.events.filter(\.isUnavailable).count == 1, "said once, not on every retry")

        try AvahiTestEnvironment.daemon("start")
        daemonStopped = false
        #expect(await events.next { $0 == .daemonAvailable } != nil)
        #expect(await published.next { $0 == .published(name: name) } != nil)
        #expect(await events.next { $0.isFound(name) } != nil)
    }

    @Test(.enabled(if: AvahiTestEnvironment.hasPair, "needs the veth pair: scripts/avahi/start --pair"))
    func discoveryAcrossTheVethPair() async throws {
        // Published in namespace b (its own daemon, private bus), found through daemon a.
        let remote = AvahiTestEnvironment.uniqueName("remote")
        let (browser, events) = try startBrowser()
        defer { browser.shutdown() }
        let publish = try AvahiTestEnvironment.avahiPublish(
            name: remote, port: 9001, txt: ["path=/", "address=10.253.0.2"], pair: true
        )
        defer { terminate(publish) }
        let found = try #require(await events.next(timeout: .seconds(20)) { $0.isFound(remote) })
        let instance = try #require(found.event.instance)
        #expect(instance.hostName == "tide-b.local")
        #expect(instance.addresses == ["10.253.0.2"])
        #expect(instance.port == 9001)
        terminate(publish)
        #expect(await events.next(after: found.index, timeout: .seconds(20)) { $0.isRemoved(remote) } != nil)

        // Published by the Swift publisher (daemon a), seen from namespace b.
        let local = AvahiTestEnvironment.uniqueName("local")
        let (publisher, published) = try startPublisher(ServiceDescription(name: local, port: 9002, txt: ["path": "/"]))
        defer { publisher.stop() }
        #expect(await published.next { $0 == .published(name: local) } != nil)
        var seenInB = false
        for _ in 0..<5 where !seenInB {
            let lines = try AvahiTestEnvironment.avahiBrowse(pair: true)
            seenInB = lines.contains { $0.hasPrefix("=;") && $0.contains(";\(local);") && $0.contains(";10.253.0.1;9002;") }
        }
        #expect(seenInB, "namespace b resolves the service to a's veth address")
    }
}
