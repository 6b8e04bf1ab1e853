import CAvahi

/// Owns an `AvahiThreadedPoll`: Avahi's event loop on its own thread. Callbacks of every Avahi
/// object created on it run on that thread with the poll's lock held; any other thread must hold
/// the lock (``withLock(_:)``) to touch those objects.
///
/// Not thread-safe itself: its owner starts and stops it from one lifecycle path.
final class ThreadedPoll {
    let pointer: OpaquePointer
    let api: UnsafePointer<AvahiPoll>
    private(set) var isRunning = false

    init() throws(DiscoveryError) {
        guard let pointer = avahi_threaded_poll_new() else {
            throw .eventLoop("avahi_threaded_poll_new failed")
        }
        guard let api = avahi_threaded_poll_get(pointer) else {
            avahi_threaded_poll_free(pointer)
            throw .eventLoop("avahi_threaded_poll_get failed")
        }
        self.pointer = pointer
        self.api = api
    }

    func start() throws(DiscoveryError) {
        guard !isRunning else { return }
        guard avahi_threaded_poll_start(pointer) >= 0 else {
            throw .eventLoop("avahi_threaded_poll_start failed")
        }
        isRunning = true
    }

    /// Stops and joins the poll thread. Must not be called from the poll thread.
    func stop() {
        guard isRunning else { return }
        avahi_threaded_poll_stop(pointer)
        isRunning = false
    }

    /// Runs `body` with the poll's lock held. Never call from the poll thread (the lock is not
    /// recursive and the poll thread already holds it in callbacks).
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        guard isRunning else { return try body() }
        avahi_threaded_poll_lock(pointer)
        defer { avahi_threaded_poll_unlock(pointer) }
        return try body()
    }

    deinit {
        stop()
        avahi_threaded_poll_free(pointer)
    }
}

/// A one-shot, re-armable timer on the poll (an `AvahiTimeout`). Fires on the poll thread.
final class PollTimer {
    private let api: UnsafePointer<AvahiPoll>
    private var timeout: OpaquePointer?

    init?(api: UnsafePointer<AvahiPoll>, userdata: UnsafeMutableRawPointer, callback: AvahiTimeoutCallback) {
        self.api = api
        guard let create = api.pointee.timeout_new,
              let timeout = create(api, nil, callback, userdata)
        else { return nil }
        self.timeout = timeout
    }

    func arm(after delay: Duration) {
        guard let timeout, let update = api.pointee.timeout_update else { return }
        let (seconds, attoseconds) = delay.components
        let milliseconds = max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        var when = timeval()
        avahi_elapse_time(&when, UInt32(clamping: milliseconds), 0)
        update(timeout, &when)
    }

    func disarm() {
        guard let timeout, let update = api.pointee.timeout_update else { return }
        update(timeout, nil)
    }

    /// Frees the timeout; call with the poll stopped or its lock held, before the poll is freed.
    func free() {
        guard let timeout, let free = api.pointee.timeout_free else { return }
        free(timeout)
        self.timeout = nil
    }
}

enum Avahi {
    static func errorString(_ code: Int32) -> String {
        guard let text = avahi_strerror(code) else { return "Avahi error \(code)" }
        return String(cString: text)
    }

    static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    /// The entries of an `AvahiStringList` (TXT data), in list order.
    static func entries(_ list: UnsafeMutablePointer<AvahiStringList>?) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var node = list
        while let current = node {
            let size = avahi_string_list_get_size(current)
            if let text = avahi_string_list_get_text(current) {
                result.append(Array(UnsafeBufferPointer(start: text, count: size)))
            } else {
                result.append([])
            }
            node = avahi_string_list_get_next(current)
        }
        return result
    }

    /// Builds an `AvahiStringList` with `strings` in this order; free with
    /// `avahi_string_list_free`. `nil` for an empty list (Avahi's empty list).
    static func makeStringList(_ strings: [String]) -> UnsafeMutablePointer<AvahiStringList>? {
        var list: UnsafeMutablePointer<AvahiStringList>?
        // avahi_string_list_add prepends: add in reverse to keep the order.
        for string in strings.reversed() {
            list = avahi_string_list_add(list, string)
        }
        return list
    }

    static func addressString(_ address: UnsafePointer<AvahiAddress>?) -> String? {
        guard let address else { return nil }
        var buffer = [CChar](repeating: 0, count: 64)
        let printed = buffer.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, avahi_address_snprint(base, buffer.count, address) != nil else {
                return nil
            }
            return String(cString: base)
        }
        return printed
    }
}
