import Testing
@testable import TideDiscovery

@Suite("Service catalog: merging and de-duplication")
struct ServiceCatalogTests {
    static let type = "_webthing._tcp"

    func key(_ name: String, interface: Int32 = 1, proto: Int32 = 0) -> SightingKey {
        SightingKey(interface: interface, protocolFamily: proto, name: name, type: Self.type, domain: "local")
    }

    func resolution(
        address: String?, port: UInt16 = 8080, host: String = "dev.local", txt: [String: String] = ["path": "/"]
    ) -> Resolution {
        Resolution(hostName: host, address: address, port: port, txt: txt)
    }

    @Test func firstResolveIsFoundAndRepeatsAreSilent() {
        var catalog = ServiceCatalog()
        catalog.seen(key("a"))
        let event = catalog.resolved(key("a"), resolution(address: "127.0.0.1"))
        let expected = ServiceInstance(
            name: "a", type: Self.type, domain: "local", hostName: "dev.local",
            addresses: ["127.0.0.1"], port: 8080, txt: ["path": "/"]
        )
        #expect(event == .found(expected))
        #expect(catalog.resolved(key("a"), resolution(address: "127.0.0.1")) == nil)
        #expect(catalog.instances == [expected])
    }

    @Test func sightingsOnSeveralInterfacesMergeIntoOneInstance() {
        var catalog = ServiceCatalog()
        _ = catalog.resolved(key("a", interface: 1), resolution(address: "10.0.0.5"))
        let event = catalog.resolved(key("a", interface: 2, proto: 1), resolution(address: "fe80::5"))
        guard case .updated(let instance) = event else {
            Issue.record("expected updated, got \(String(describing: event))")
            return
        }
        #expect(instance.addresses == ["10.0.0.5", "fe80::5"])
        #expect(catalog.instances.count == 1)
    }

    @Test func wasmiotAddressComesFirstWithoutDuplicates() {
        var catalog = ServiceCatalog()
        let txt = ["address": "192.168.0.9", "path": "/"]
        _ = catalog.resolved(key("a", interface: 1), resolution(address: "127.0.0.1", txt: txt))
        _ = catalog.resolved(key("a", interface: 2), resolution(address: "192.168.0.9", txt: txt))
        #expect(catalog.instances.first?.addresses == ["192.168.0.9", "127.0.0.1"])
    }

    @Test func invalidAddressValueIsNotUsed() {
        var catalog = ServiceCatalog()
        _ = catalog.resolved(key("a"), resolution(address: "127.0.0.1", txt: ["address": "not-an-ip"]))
        #expect(catalog.instances.first?.addresses == ["127.0.0.1"])
        #expect(catalog.instances.first?.txt["address"] == "not-an-ip")
    }

    @Test func changesAreUpdates() {
        var catalog = ServiceCatalog()
        _ = catalog.resolved(key("a"), resolution(address: "127.0.0.1"))
        let portChange = catalog.resolved(key("a"), resolution(address: "127.0.0.1", port: 9000))
        #expect(portChange == .updated(ServiceInstance(
            name: "a", type: Self.type, hostName: "dev.local", addresses: ["127.0.0.1"], port: 9000, txt: ["path": "/"]
        )))
        let txtChange = catalog.resolved(key("a"), resolution(address: "127.0.0.1", port: 9000, txt: ["tls": "1"]))
        #expect(txtChange == .updated(ServiceInstance(
            name: "a", type: Self.type, hostName: "dev.local", addresses: ["127.0.0.1"], port: 9000, txt: ["tls": "1"]
        )))
    }

    @Test func removalOfOneSightingUpdatesOfTheLastRemoves() {
        var catalog = ServiceCatalog()
        _ = catalog.resolved(key("a", interface: 1), resolution(address: "10.0.0.1"))
        _ = catalog.resolved(key("a", interface: 2), resolution(address: "10.0.0.2"))
        let first = catalog.removed(key("a", interface: 1))
        #expect(first == .updated(ServiceInstance(
            name: "a", type: Self.type, hostName: "dev.local", addresses: ["10.0.0.2"], port: 8080, txt: ["path": "/"]
        )))
        #expect(catalog.removed(key("a", interface: 2)) == .removed(name: "a"))
        #expect(catalog.instances.isEmpty)
        #expect(catalog.removed(key("a", interface: 2)) == nil)
    }

    @Test func unresolvedSightingsProduceNoEvents() {
        var catalog = ServiceCatalog()
        catalog.seen(key("ghost"))
        #expect(catalog.instances.isEmpty)
        #expect(catalog.removed(key("ghost")) == nil)
    }

    @Test func reconnectKeepsConfirmedInstancesAndRemovesTheRest() {
        var catalog = ServiceCatalog()
        _ = catalog.resolved(key("stays"), resolution(address: "127.0.0.1"))
        _ = catalog.resolved(key("goes"), resolution(address: "127.0.0.2"))
        catalog.markAllStale()
        catalog.seen(key("stays"))
        // The re-resolve of an unchanged instance is silent.
        #expect(catalog.resolved(key("stays"), resolution(address: "127.0.0.1")) == nil)
        #expect(catalog.sweepStale() == [.removed(name: "goes")])
        #expect(catalog.instances.map(\.name) == ["stays"])
        #expect(catalog.sweepStale().isEmpty)
    }

    @Test func instancesAreSortedByName() {
        var catalog = ServiceCatalog()
        for name in ["c", "a", "b"] { _ = catalog.resolved(key(name), resolution(address: "127.0.0.1")) }
        #expect(catalog.instances.map(\.name) == ["a", "b", "c"])
    }

    @Test func daemonAvailabilityIsReportedOncePerChange() {
        var availability = DaemonAvailability()
        var reported: [Bool] = []
        reported.append(availability.unavailable())
        reported.append(availability.unavailable())
        reported.append(availability.available())
        reported.append(availability.available())
        reported.append(availability.unavailable())
        #expect(reported == [true, false, true, false, true])
    }
}
