/// Caps the calls running at once; the rest wait in line, and past the line's length are refused.
actor CallGate {
    private let capacity: Int
    private let maxWaiting: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(capacity: Int, maxWaiting: Int) {
        self.capacity = max(1, capacity)
        self.maxWaiting = max(0, maxWaiting)
    }

    func enter() async throws(SupervisorError) {
        if running < capacity {
            running += 1
            return
        }
        guard waiting.count < maxWaiting else {
            throw SupervisorError(.busy, "the device is running \(running) calls and \(waiting.count) are waiting; try again later")
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }

    var load: (running: Int, waiting: Int) { (running, waiting.count) }
}
