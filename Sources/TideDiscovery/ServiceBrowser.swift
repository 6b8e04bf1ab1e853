import Logging

/// Browses one DNS-SD service type through the local avahi-daemon (over D-Bus) and resolves
/// every instance.
///
/// ```swift
/// let browser = try ServiceBrowser()          // _webthing._tcp
/// try browser.start()
/// for await event in browser.events { ... }   // .found, .updated, .removed, daemon changes
/// browser.shutdown()
/// ```
///
/// The browser never fails because the daemon is absent or restarts: it reports
/// `.daemonUnavailable` once, keeps retrying in the background, and reports `.daemonAvailable`
/// when browsing is back. Instances known before a restart that are still there are not
/// reported again (unless they changed); those gone are reported `.removed`.
public final class ServiceBrowser: Sendable {
    /// The wasmiot device service type.
    public static let defaultServiceType = "_webthing._tcp"

    public let serviceType: String
    /// The event stream (one consumer). Finishes after ``shutdown()``.
    public let events: AsyncStream<DiscoveryEvent>
    private let engine: BrowserEngine

    /// - Parameters:
    ///   - serviceType: e.g. `_webthing._tcp`.
    ///   - domain: `nil` for the daemon's default (`local`).
    ///   - retryDelay: wait before reconnecting after the daemon connection was lost or could
    ///     not be made.
    public init(
        serviceType: String = ServiceBrowser.defaultServiceType,
        domain: String? = nil,
        retryDelay: Duration = .seconds(1),
        logger: Logger = Logger(label: "tide.discovery.browser")
    ) throws(DiscoveryError) {
        self.serviceType = serviceType
        let (stream, continuation) = AsyncStream.makeStream(of: DiscoveryEvent.self, bufferingPolicy: .unbounded)
        self.events = stream
        self.engine = try BrowserEngine(
            serviceType: serviceType, domain: domain, retryDelay: retryDelay, logger: logger,
            continuation: continuation
        )
    }

    /// Starts browsing on Avahi's own thread. Throws only when the event loop cannot be set up
    /// or when called twice; an absent daemon is reported as an event instead.
    public func start() throws(DiscoveryError) {
        try engine.start()
    }

    /// The instances currently known (found and not removed).
    public var instances: [ServiceInstance] { engine.instances }

    /// Stops browsing, frees every Avahi object and finishes ``events``. Idempotent.
    public func shutdown() {
        engine.shutdown()
    }

    deinit {
        engine.shutdown()
    }
}
