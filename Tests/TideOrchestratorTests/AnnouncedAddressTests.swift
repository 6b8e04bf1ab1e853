import Testing
@testable import TideOrchestrator
@testable import TideTesting

@Suite("What devices announce about themselves", .stopsWhatItStarts)
struct AnnouncedAddressTests {
    @Test("0.0.0.0 and :: are never used: a wasmiot supervisor without a route announces them, and they reach the server's own host")
    func unspecifiedAddresses() {
        #expect(DiscoveryService.usableAddresses(["0.0.0.0", "0.0.0.0"]).isEmpty)
        #expect(DiscoveryService.usableAddresses(["::", "192.168.1.20", " 0.0.0.0 ", ""]) == ["192.168.1.20"])
        #expect(DiscoveryService.usableAddresses(["10.0.0.5", "fe80::1"]) == ["10.0.0.5", "fe80::1"])
    }

    @Test("a self-registration's zeroconf name loses its service type")
    func instanceNames() {
        #expect(WasmiotDeviceRoutes.instanceName("wasmiot-a._webthing._tcp.local.", type: "_webthing._tcp.local.") == "wasmiot-a")
        #expect(WasmiotDeviceRoutes.instanceName("wasmiot-a._webthing._tcp.local", type: "_webthing._tcp.local.") == "wasmiot-a")
        #expect(WasmiotDeviceRoutes.instanceName("cam._webthing._tcp.local.", type: nil) == "cam._webthing._tcp.local.")
        #expect(WasmiotDeviceRoutes.instanceName("_webthing._tcp.local.", type: "_webthing._tcp.local.") == "_webthing._tcp.local.")
        #expect(WasmiotDeviceRoutes.instanceName("plain-name", type: "_webthing._tcp.local.") == "plain-name")
    }
}
