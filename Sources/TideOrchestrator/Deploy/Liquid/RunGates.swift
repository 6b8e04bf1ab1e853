/// Per deployment: how many runs are under way, and whether new runs wait because a stateful
/// step is moving (its state is being carried). Held by `DeploymentController`; every change
/// happens on its actor.
struct RunGates {
    private var running: [String: Int] = [:]
    private var paused: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    func isPaused(_ name: String) -> Bool { paused.contains(name) }

    func runs(of name: String) -> Int { running[name] ?? 0 }

    /// Whether a run may start now; otherwise it is to wait (`wait`).
    mutating func tryEnter(_ name: String) -> Bool {
        guard !paused.contains(name) else { return false }
        running[name, default: 0] += 1
        return true
    }

    mutating func wait(_ name: String, _ continuation: CheckedContinuation<Void, Never>) {
        waiting[name, default: []].append(continuation)
    }

    mutating func leave(_ name: String) {
        let left = (running[name] ?? 1) - 1
        running[name] = left > 0 ? left : nil
    }

    mutating func pause(_ name: String) { paused.insert(name) }

    /// Lifts the pause; the waiting runs go on (each tries to enter again).
    mutating func resume(_ name: String) -> [CheckedContinuation<Void, Never>] {
        paused.remove(name)
        return waiting.removeValue(forKey: name) ?? []
    }
}
