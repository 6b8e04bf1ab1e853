import Logging
import ServiceLifecycle
import TideModel
import TideStore

/// With several replicas on one store, every replica follows the shared event log: what another
/// replica changed (a device, a package, a token, a certificate, a deployment) is read again
/// into this replica's memory, then the events wake this replica's long polls (`events?wait=`,
/// the reconciler, the dashboard). Woken by the store's notifications when it has them, and by a
/// poll every `pollInterval` in any case, so a lost notification delays, never loses, a change.
struct SharedEventFeed: Service {
    static let batch = 1000

    let store: any FleetStore
    let bus: EventBus
    let refresh: ReplicaRefresh
    let wakeups: (@Sendable () -> AsyncStream<Int64>)?
    let pollInterval: Duration
    let logger: Logger

    func run() async throws {
        let start = await bus.latest
        let woken = Wakeups()
        try await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                if let wakeups {
                    group.addTask {
                        for await id in wakeups() { await woken.signal(id) }
                    }
                }
                group.addTask {
                    var cursor = start
                    while !Task.isCancelled {
                        await woken.wait(timeout: pollInterval)
                        if Task.isCancelled { break }
                        cursor = await follow(from: cursor)
                    }
                }
                try await gracefulShutdown()
                group.cancelAll()
            }
        }
    }

    /// Reads everything after `cursor`, applies it, and returns the new cursor.
    private func follow(from start: Int64) async -> Int64 {
        var cursor = start
        while true {
            let events: [FleetEvent]
            do {
                events = try await store.events(afterID: cursor, since: nil, device: nil, limit: Self.batch)
            } catch {
                logger.warning("cannot read the shared event log after event \(cursor): \(error); retrying")
                return cursor
            }
            guard let last = events.last else { return cursor }
            await refresh.apply(events)
            await bus.publishedFromStore(events)
            cursor = last.id
            if events.count < Self.batch { return cursor }
        }
    }
}

/// Wake-ups from the store's notifications, remembered until the follower waits again.
actor Wakeups {
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?

    func signal(_ id: Int64) {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            pending = true
        }
    }

    /// Returns at the next signal (at once if one came since the last wait), or after `timeout`.
    func wait(timeout: Duration) async {
        if pending {
            pending = false
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.suspend() }
            group.addTask {
                // Signals also when cancelled: the waiting child ends only by a signal.
                try? await Task.sleep(for: timeout)
                await self.signal(0)
            }
            await group.next()
            group.cancelAll()
        }
        pending = false
    }

    private func suspend() async {
        await withCheckedContinuation { continuation in
            if pending {
                pending = false
                continuation.resume()
            } else {
                waiter = continuation
            }
        }
    }
}
