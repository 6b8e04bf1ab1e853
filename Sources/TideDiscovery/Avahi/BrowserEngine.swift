import CAvahi
import Logging
import Synchronization

/// The Avahi side of ``ServiceBrowser``: a service browser plus one resolver per sighting, kept
/// alive so that Avahi reports changes (e.g. new TXT data) as further resolves.
final class BrowserEngine: ClientDriver, @unchecked Sendable {
    let serviceType: String
    let domain: String?
    private let continuation: AsyncStream<DiscoveryEvent>.Continuation
    private let snapshot = Mutex<[ServiceInstance]>([])

    // Poll-guarded state.
    private var browser: OpaquePointer?
    private var resolvers: [SightingKey: OpaquePointer] = [:]
    private var catalog = ServiceCatalog()

    init(
        serviceType: String, domain: String?, retryDelay: Duration, logger: Logger,
        continuation: AsyncStream<DiscoveryEvent>.Continuation
    ) throws(DiscoveryError) {
        self.serviceType = serviceType
        self.domain = domain
        self.continuation = continuation
        try super.init(retryDelay: retryDelay, logger: logger)
    }

    var instances: [ServiceInstance] { snapshot.withLock { $0 } }

    static func engine(_ userdata: UnsafeMutableRawPointer?) -> BrowserEngine? {
        ClientDriver.from(userdata) as? BrowserEngine
    }

    // MARK: ClientDriver hooks

    override func clientRunning(_ client: OpaquePointer) {
        guard browser == nil else { return }
        let created = avahi_service_browser_new(
            client, AvahiIfIndex(AVAHI_IF_UNSPEC), AvahiProtocol(AVAHI_PROTO_UNSPEC), serviceType, domain, AvahiLookupFlags(0),
            { browser, interface, proto, event, name, type, domain, _, userdata in
                guard let engine = BrowserEngine.engine(userdata) else { return }
                engine.browseEvent(
                    browser: browser, interface: interface, proto: proto, event: event,
                    name: Avahi.string(name), type: Avahi.string(type), domain: Avahi.string(domain)
                )
            }, userdata
        )
        guard let created else {
            let code = avahi_client_errno(client)
            logger.error("avahi_service_browser_new(\(serviceType)) failed: \(Avahi.errorString(code))")
            daemonUnavailable("cannot browse \(serviceType): \(Avahi.errorString(code))")
            scheduleReconnect()
            return
        }
        browser = created
        logger.debug("browsing \(serviceType)")
    }

    override func clientLost() {
        catalog.markAllStale()
    }

    override func freeClientObjects() {
        for resolver in resolvers.values { avahi_service_resolver_free(resolver) }
        resolvers.removeAll()
        if let browser { avahi_service_browser_free(browser) }
        browser = nil
    }

    override func emitDaemonAvailable() { continuation.yield(.daemonAvailable) }
    override func emitDaemonUnavailable(_ reason: String) { continuation.yield(.daemonUnavailable(reason: reason)) }
    override func finishEvents() { continuation.finish() }

    // MARK: callbacks (poll thread)

    private func emit(_ event: DiscoveryEvent?) {
        guard let event else { return }
        snapshot.withLock { $0 = catalog.instances }
        logger.debug("discovery event \(event)")
        continuation.yield(event)
    }

    private func browseEvent(
        browser: OpaquePointer?, interface: AvahiIfIndex, proto: AvahiProtocol, event: AvahiBrowserEvent,
        name: String, type: String, domain: String
    ) {
        let key = SightingKey(interface: interface, protocolFamily: proto, name: name, type: type, domain: domain)
        switch event {
        case AVAHI_BROWSER_NEW:
            catalog.seen(key)
            guard resolvers[key] == nil, let client else { return }
            let resolver = avahi_service_resolver_new(
                client, interface, proto, name, type, domain, AvahiProtocol(AVAHI_PROTO_UNSPEC), AvahiLookupFlags(0),
                { resolver, interface, proto, event, name, type, domain, hostName, address, port, txt, _, userdata in
                    guard let engine = BrowserEngine.engine(userdata) else { return }
                    let key = SightingKey(
                        interface: interface, protocolFamily: proto, name: Avahi.string(name),
                        type: Avahi.string(type), domain: Avahi.string(domain)
                    )
                    if event == AVAHI_RESOLVER_FOUND {
                        let resolution = Resolution(
                            hostName: Avahi.string(hostName), address: Avahi.addressString(address), port: port,
                            txt: TXTRecord.parse(Avahi.entries(txt))
                        )
                        engine.resolved(key, resolution)
                    } else {
                        engine.resolveFailed(key, resolver: resolver)
                    }
                }, userdata
            )
            if let resolver {
                resolvers[key] = resolver
            } else {
                logger.warning("cannot resolve \(name): \(Avahi.errorString(avahi_client_errno(client)))")
            }
        case AVAHI_BROWSER_REMOVE:
            if let resolver = resolvers.removeValue(forKey: key) { avahi_service_resolver_free(resolver) }
            emit(catalog.removed(key))
        case AVAHI_BROWSER_ALL_FOR_NOW:
            for event in catalog.sweepStale() { emit(event) }
        case AVAHI_BROWSER_CACHE_EXHAUSTED:
            break
        default:
            // AVAHI_BROWSER_FAILURE: start over with a fresh client.
            let code = client.map { avahi_client_errno($0) } ?? 0
            logger.warning("service browser failed: \(Avahi.errorString(code))")
            clientLost()
            scheduleReconnect()
        }
    }

    private func resolved(_ key: SightingKey, _ resolution: Resolution) {
        emit(catalog.resolved(key, resolution))
    }

    private func resolveFailed(_ key: SightingKey, resolver: OpaquePointer?) {
        let code = client.map { avahi_client_errno($0) } ?? 0
        logger.debug("cannot resolve \(key.name): \(Avahi.errorString(code))")
        // Keep the resolver: it reports again should the service answer later. A known instance
        // stays known until the browser reports it removed.
    }
}
