import Testing
@testable import TideModel

@Suite("Device addresses")
struct DeviceEndpointTests {
    @Test("host:port forms")
    func valid() throws {
        #expect(try DeviceEndpoint(parsing: "127.0.0.1:5000") == DeviceEndpoint(host: "127.0.0.1", port: 5000))
        #expect(try DeviceEndpoint(parsing: " gateway.local:80 ") == DeviceEndpoint(host: "gateway.local", port: 80))
        #expect(try DeviceEndpoint(parsing: "[::1]:5000") == DeviceEndpoint(host: "::1", port: 5000))
        #expect(try DeviceEndpoint(parsing: "sensor", defaultPort: 5000) == DeviceEndpoint(host: "sensor", port: 5000))
        #expect(DeviceEndpoint(host: "::1", port: 5000).description == "[::1]:5000")
        #expect(DeviceEndpoint(host: "10.0.0.1", port: 5000).baseURL == "http://10.0.0.1:5000")
    }

    @Test("invalid addresses say why", arguments: [
        ("", "the address is empty"),
        ("host", "the port is missing (host:port)"),
        (":5000", "the host is empty"),
        ("host:0", "\"0\" is not a port number (1-65535)"),
        ("host:http", "\"http\" is not a port number (1-65535)"),
        ("http://host:5000", "give host:port, not a URL"),
        ("[::1", "missing \"]\""),
        ("fe80::1", "write an IPv6 address in brackets: [fe80::1]:port"),
    ])
    func invalid(text: String, reason: String) {
        #expect(throws: DeviceEndpointError(text: text, reason: reason)) { try DeviceEndpoint(parsing: text) }
    }
}
