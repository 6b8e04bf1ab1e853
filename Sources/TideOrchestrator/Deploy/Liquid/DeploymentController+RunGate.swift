import Foundation

/// Runs wait while one of their deployment's stateful steps moves: its state is taken on the old
/// device after the last call there and restored on the new one before the next call, so no call
/// runs on a state that is then lost, and none runs twice.
extension DeploymentController {
    /// Waits until `name` takes runs, then counts this one in (`leaveRun` counts it out).
    func enterRun(_ name: String) async {
        while !runGates.tryEnter(name) {
            await withCheckedContinuation { continuation in runGates.wait(name, continuation) }
        }
    }

    func leaveRun(_ name: String) { runGates.leave(name) }

    /// Stops new runs of `name` and waits until those under way end, at most until `deadline`.
    /// Returns whether none is left.
    func pauseRuns(_ name: String, until deadline: ContinuousClock.Instant) async -> Bool {
        runGates.pause(name)
        while runGates.runs(of: name) > 0 {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return true
    }

    func resumeRuns(_ name: String) {
        for waiting in runGates.resume(name) { waiting.resume() }
    }
}
