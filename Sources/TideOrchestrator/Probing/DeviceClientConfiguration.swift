import AsyncHTTPClient
import NIOSSL

extension HTTPClient.Configuration {
    /// How a server's client reaches devices (probes, registration, deploys over HTTPS; devices
    /// served over plain HTTP are probed through `PlainHTTPGet`). `tls`: shown to devices that
    /// serve HTTPS, whose certificate is what they take deployments from.
    static func devices(tls: TLSConfiguration?) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(2)
        // A refused connection is failure evidence now, not something to retry until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        // HTTPS probes every second reuse their connection; a device that heartbeats is not left holding
        // an idle one for a minute (with thousands of devices that is thousands of sockets each side).
        configuration.connectionPool.idleTimeout = .seconds(5)
        if let tls { configuration.tlsConfiguration = tls }
        return configuration
    }
}

extension HTTPClient {
    /// A client configured as a server's for devices (`HTTPClient.Configuration.devices`).
    package static func forDevices(tls: TLSConfiguration? = nil) -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .singleton, configuration: .devices(tls: tls))
    }
}
