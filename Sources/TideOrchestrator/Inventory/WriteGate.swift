/// One change at a time, in arrival order, across the suspensions of an actor's store writes:
/// the actor calls `enter()` and, when that returns false, waits with `wait(_:)` in
/// `withCheckedContinuation`; `leave()` hands the gate to the next waiter.
struct WriteGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var next = 0

    /// Takes the gate when it is free.
    mutating func enter() -> Bool {
        guard !busy else { return false }
        busy = true
        return true
    }

    /// Queues a caller that found the gate taken; it is resumed holding the gate.
    mutating func wait(_ continuation: CheckedContinuation<Void, Never>) {
        waiting.append(continuation)
    }

    mutating func leave() {
        guard next < waiting.count else {
            busy = false
            waiting.removeAll(keepingCapacity: true)
            next = 0
            return
        }
        let continuation = waiting[next]
        next += 1
        if next > 64, next * 2 > waiting.count {
            waiting.removeFirst(next)
            next = 0
        }
        continuation.resume()
    }
}
