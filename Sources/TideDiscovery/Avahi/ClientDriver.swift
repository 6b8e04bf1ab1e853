import CAvahi
import Logging
import Synchronization

/// The part shared by browser and publisher: one `AvahiClient` on one threaded poll, created
/// with `AVAHI_CLIENT_NO_FAIL` (so an absent daemon means "connecting", not failure), and
/// re-created after a failure. Avahi reports a daemon restart as `AVAHI_CLIENT_FAILURE` with
/// `AVAHI_ERR_DISCONNECTED`; the client is then useless and must be freed and created again,
/// which frees every browser, resolver and entry group made from it.
///
/// Concurrency: all mutable state below is touched only on the poll thread (callbacks, timers)
/// or by another thread holding the poll's lock, or before the poll thread starts / after it
/// stopped. That is why the class is `@unchecked Sendable`. The lifecycle flag has its own mutex.
class ClientDriver: @unchecked Sendable {
    enum Lifecycle: Sendable { case idle, running, shutDown }

    let poll: ThreadedPoll
    let logger: Logger
    let retryDelay: Duration
    private let lifecycle = Mutex(Lifecycle.idle)

    // Poll-guarded state.
    private(set) var client: OpaquePointer?
    private var reconnectTimer: PollTimer?
    private var availability = DaemonAvailability()
    private var retainedForPoll: Unmanaged<ClientDriver>?

    init(retryDelay: Duration, logger: Logger) throws(DiscoveryError) {
        self.poll = try ThreadedPoll()
        self.retryDelay = retryDelay
        self.logger = logger
    }

    var userdata: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ userdata: UnsafeMutableRawPointer?) -> ClientDriver? {
        guard let userdata else { return nil }
        return Unmanaged<ClientDriver>.fromOpaque(userdata).takeUnretainedValue()
    }

    // MARK: lifecycle (any thread except the poll thread)

    func start() throws(DiscoveryError) {
        let mayStart = lifecycle.withLock { state -> Bool in
            guard state == .idle else { return false }
            state = .running
            return true
        }
        guard mayStart else { throw .alreadyStarted }
        // The poll thread is not running yet: no lock needed until poll.start().
        retainedForPoll = Unmanaged.passRetained(self)
        reconnectTimer = PollTimer(api: poll.api, userdata: userdata) { _, userdata in
            ClientDriver.from(userdata)?.reconnect()
        }
        connect()
        do {
            try poll.start()
        } catch {
            closeClient()
            reconnectTimer?.free()
            reconnectTimer = nil
            retainedForPoll?.release()
            retainedForPoll = nil
            lifecycle.withLock { $0 = .shutDown }
            finishEvents()
            throw error
        }
    }

    /// Stops the poll thread, frees every Avahi object in order (children, client, timers, then
    /// the poll with this object), and finishes the event stream. Idempotent.
    func shutdown() {
        let previous = lifecycle.withLock { state -> Lifecycle in
            let previous = state
            state = .shutDown
            return previous
        }
        switch previous {
        case .shutDown:
            return
        case .idle:
            finishEvents()
            return
        case .running:
            break
        }
        poll.withLock { willShutDown() }
        poll.stop()
        // The poll thread is gone: this thread is the only one touching the objects now.
        closeClient()
        reconnectTimer?.free()
        reconnectTimer = nil
        finishEvents()
        retainedForPoll?.release()
        retainedForPoll = nil
    }

    var isShutDown: Bool { lifecycle.withLock { $0 == .shutDown } }

    // MARK: subclass hooks (poll thread or lock held)

    /// The client reached `S_RUNNING`: create browsers or entry groups with `client`.
    func clientRunning(_ client: OpaquePointer) {}
    /// The server is (re)registering its host name (`S_REGISTERING` / `S_COLLISION`).
    func serverRegistering(_ client: OpaquePointer) {}
    /// The client failed; its objects are about to be freed with it.
    func clientLost() {}
    /// Free the objects made from the client (before the client itself is freed).
    func freeClientObjects() {}
    /// Last chance to talk to the daemon before shutdown (lock held).
    func willShutDown() {}
    func emitDaemonAvailable() {}
    func emitDaemonUnavailable(_ reason: String) {}
    func finishEvents() {}

    // MARK: connection management (poll thread or lock held)

    func daemonAvailable() {
        if availability.available() {
            logger.info("avahi-daemon available")
            emitDaemonAvailable()
        }
    }

    func daemonUnavailable(_ reason: String) {
        if availability.unavailable() {
            // The browser's or publisher's owner reports it to the operator (its event).
            logger.info("avahi-daemon unavailable: \(reason); retrying in the background")
            emitDaemonUnavailable(reason)
        }
    }

    /// Tears the client down and connects again after the retry delay.
    func scheduleReconnect() {
        reconnectTimer?.arm(after: retryDelay)
    }

    private func reconnect() {
        guard !isShutDown else { return }
        closeClient()
        connect()
    }

    private func connect() {
        var error: Int32 = 0
        // Callbacks can run inside avahi_client_new (states are reported before it returns).
        let created = avahi_client_new(poll.api, AVAHI_CLIENT_NO_FAIL, { client, state, userdata in
            guard let client, let driver = ClientDriver.from(userdata) else { return }
            driver.clientStateChanged(client, state)
        }, userdata, &error)
        guard let created else {
            daemonUnavailable("cannot connect to avahi over D-Bus: \(Avahi.errorString(error))")
            scheduleReconnect()
            return
        }
        client = created
    }

    private func clientStateChanged(_ client: OpaquePointer, _ state: AvahiClientState) {
        switch state {
        case AVAHI_CLIENT_S_RUNNING:
            daemonAvailable()
            clientRunning(client)
        case AVAHI_CLIENT_S_REGISTERING, AVAHI_CLIENT_S_COLLISION:
            serverRegistering(client)
        case AVAHI_CLIENT_CONNECTING:
            daemonUnavailable("avahi-daemon is not running (waiting for it to appear on D-Bus)")
        case AVAHI_CLIENT_FAILURE:
            let code = avahi_client_errno(client)
            daemonUnavailable("avahi client failure: \(Avahi.errorString(code))")
            clientLost()
            // Freed in the timer callback, never inside this callback.
            scheduleReconnect()
        default:
            logger.debug("avahi client state \(state.rawValue)")
        }
    }

    private func closeClient() {
        freeClientObjects()
        if let client {
            avahi_client_free(client)
            self.client = nil
        }
    }
}
