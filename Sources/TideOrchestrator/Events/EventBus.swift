import TideModel

/// Wakes long-polling readers of the event log when new events are committed.
///
/// With several replicas on one store, only the shared event feed announces events (`fromStore`),
/// in log order and after this replica's memory has taken them in: a reader woken for event N
/// finds every change up to N applied, whichever replica made it.
actor EventBus {
    private let followsStore: Bool
    private var latestID: Int64
    private var waiters: [Int: (after: Int64, continuation: CheckedContinuation<Void, Never>)] = [:]
    /// Waiters released before they began to wait.
    private var released: Set<Int> = []
    private var nextWaiter = 0

    init(latestID: Int64, followsStore: Bool = false) {
        self.latestID = latestID
        self.followsStore = followsStore
    }

    /// The newest event announced: wait after it to hear of the next change.
    var latest: Int64 { latestID }

    /// Events this replica committed; ignored when the shared event feed announces them instead.
    func published(_ events: [FleetEvent]) {
        guard !followsStore else { return }
        announce(events)
    }

    /// Events the shared event feed read from the store and applied.
    func publishedFromStore(_ events: [FleetEvent]) {
        announce(events)
    }

    private func announce(_ events: [FleetEvent]) {
        guard let newest = events.map(\.id).max(), newest > latestID else { return }
        latestID = newest
        for (key, waiter) in waiters where waiter.after < newest {
            waiters[key] = nil
            waiter.continuation.resume()
        }
    }

    /// Returns once an event newer than `afterID` exists, or after `timeout`.
    func wait(after afterID: Int64, timeout: Duration) async {
        guard latestID <= afterID else { return }
        let key = nextWaiter
        nextWaiter += 1
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await self.suspend(key: key, after: afterID)
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                await self.release(key: key)
            }
            await group.next()
            group.cancelAll()
            release(key: key)
        }
        released.remove(key)
    }

    private func suspend(key: Int, after afterID: Int64) async {
        await withCheckedContinuation { continuation in
            if latestID > afterID || released.remove(key) != nil {
                continuation.resume()
            } else {
                waiters[key] = (afterID, continuation)
            }
        }
    }

    private func release(key: Int) {
        if let waiter = waiters.removeValue(forKey: key) {
            waiter.continuation.resume()
        } else {
            released.insert(key)
        }
    }
}
