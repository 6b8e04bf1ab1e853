import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

extension Application {
    /// A Tide server: `server` (`HTTPServerBuilder.tide`, over TLS or not) on `host:port` (port 0
    /// picks a free one). `onRunning` receives the bound port once requests are accepted; `services`
    /// run beside the server and are told to stop before it.
    public init<Routes: HTTPResponderBuilder>(
        tide routes: Routes, server: HTTPServerBuilder, host: String, port: Int, serverName: String,
        services: [any Service] = [], logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void
    ) where Responder == Routes.Responder {
        self.init(
            router: routes,
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: serverName),
            services: services,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
