import CAvahi
import Logging
import Synchronization

/// The Avahi side of ``ServicePublisher``: one entry group holding one service.
final class PublisherEngine: ClientDriver, @unchecked Sendable {
    private let continuation: AsyncStream<PublisherEvent>.Continuation
    private let nameSnapshot: Mutex<String>
    let type: String
    let domain: String?
    let host: String?
    let port: UInt16

    // Poll-guarded state.
    private var group: OpaquePointer?
    private var name: String
    private var txt: [String]
    /// Bounds renaming loops (each collision picks the next alternative name).
    private var collisions = 0
    private static let maximumCollisions = 50

    init(
        service: ServiceDescription, retryDelay: Duration, logger: Logger,
        continuation: AsyncStream<PublisherEvent>.Continuation
    ) throws(DiscoveryError) {
        self.name = service.name
        self.type = service.type
        self.domain = service.domain
        self.host = service.host
        self.port = service.port
        self.txt = try TXTRecord.encode(service.txt)
        self.nameSnapshot = Mutex(service.name)
        self.continuation = continuation
        try super.init(retryDelay: retryDelay, logger: logger)
    }

    static func engine(_ userdata: UnsafeMutableRawPointer?) -> PublisherEngine? {
        ClientDriver.from(userdata) as? PublisherEngine
    }

    var currentName: String { nameSnapshot.withLock { $0 } }

    /// Replaces the TXT record of the published service (lock taken here).
    func updateTXT(_ strings: [String]) {
        poll.withLock {
            txt = strings
            guard let group, avahi_entry_group_is_empty(group) == 0 else { return }
            let list = Avahi.makeStringList(strings)
            defer { avahi_string_list_free(list) }
            let result = avahi_entry_group_update_service_txt_strlst(
                group, AvahiIfIndex(AVAHI_IF_UNSPEC), AvahiProtocol(AVAHI_PROTO_UNSPEC), AvahiPublishFlags(0),
                name, type, domain, list
            )
            if result < 0 {
                logger.warning("cannot update TXT of \(name): \(Avahi.errorString(result))")
            }
        }
    }

    // MARK: ClientDriver hooks

    override func clientRunning(_ client: OpaquePointer) {
        if group == nil {
            group = avahi_entry_group_new(client, { group, state, userdata in
                guard let engine = PublisherEngine.engine(userdata) else { return }
                engine.groupStateChanged(group, state)
            }, userdata)
            guard group != nil else {
                let code = avahi_client_errno(client)
                fail("avahi_entry_group_new failed: \(Avahi.errorString(code))")
                return
            }
        }
        if let group, avahi_entry_group_is_empty(group) != 0 {
            addService(to: group)
        }
    }

    override func serverRegistering(_ client: OpaquePointer) {
        // The host name is being (re)registered: withdraw, re-add once the server runs again.
        if let group { avahi_entry_group_reset(group) }
    }

    override func freeClientObjects() {
        if let group { avahi_entry_group_free(group) }
        group = nil
    }

    override func willShutDown() {
        // Withdraw explicitly so the daemon sends the goodbye right away.
        if let group, client.map({ avahi_client_get_state($0) == AVAHI_CLIENT_S_RUNNING }) == true {
            avahi_entry_group_reset(group)
        }
    }

    override func emitDaemonAvailable() { continuation.yield(.daemonAvailable) }
    override func emitDaemonUnavailable(_ reason: String) { continuation.yield(.daemonUnavailable(reason: reason)) }
    override func finishEvents() { continuation.finish() }

    // MARK: publishing (poll thread or lock held)

    private func addService(to group: OpaquePointer) {
        while true {
            let list = Avahi.makeStringList(txt)
            // avahi_entry_group_add_service is variadic (unavailable in Swift): use the _strlst form.
            let result = avahi_entry_group_add_service_strlst(
                group, AvahiIfIndex(AVAHI_IF_UNSPEC), AvahiProtocol(AVAHI_PROTO_UNSPEC), AvahiPublishFlags(0),
                name, type, domain, host, port, list
            )
            avahi_string_list_free(list)
            if result == AVAHI_ERR_COLLISION {
                // A local service already has this name.
                guard rename() else { return }
                continue
            }
            guard result >= 0 else {
                fail("cannot add service \(name) (\(type)): \(Avahi.errorString(result))")
                return
            }
            break
        }
        let committed = avahi_entry_group_commit(group)
        if committed < 0 {
            fail("cannot commit service \(name): \(Avahi.errorString(committed))")
        }
    }

    /// Moves to Avahi's alternative name ("name #2", ...). False when too many collisions.
    private func rename() -> Bool {
        collisions += 1
        guard collisions <= Self.maximumCollisions else {
            fail("giving up after \(Self.maximumCollisions) name collisions for \(name)")
            return false
        }
        guard let alternative = avahi_alternative_service_name(name) else {
            fail("avahi_alternative_service_name failed")
            return false
        }
        let next = String(cString: alternative)
        avahi_free(alternative)
        logger.notice("service name \(name) collides, renaming to \(next)")
        continuation.yield(.renamed(from: name, to: next))
        name = next
        nameSnapshot.withLock { $0 = next }
        return true
    }

    private func fail(_ reason: String) {
        logger.error("\(reason)")
        continuation.yield(.failed(reason: reason))
    }

    private func groupStateChanged(_ group: OpaquePointer?, _ state: AvahiEntryGroupState) {
        switch state {
        case AVAHI_ENTRY_GROUP_ESTABLISHED:
            collisions = 0
            logger.info("published \(name) (\(type)) on port \(port)")
            continuation.yield(.published(name: name))
        case AVAHI_ENTRY_GROUP_COLLISION:
            // Another host announces the same name: pick the next one and publish again.
            guard let group, rename() else { return }
            avahi_entry_group_reset(group)
            addService(to: group)
        case AVAHI_ENTRY_GROUP_FAILURE:
            let code = group.flatMap { avahi_entry_group_get_client($0) }.map { avahi_client_errno($0) } ?? 0
            // Disconnects are handled by the client callback (reconnect and republish).
            if code != AVAHI_ERR_DISCONNECTED {
                fail("entry group failure: \(Avahi.errorString(code))")
            }
        default:
            break
        }
    }
}
