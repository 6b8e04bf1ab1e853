import TideModel

/// The pure decisions of a staged rollout: the order devices take the new generation, the next
/// stage, and what a stage's request history says.
enum RolloutStages {
    /// Devices whose node changes, in the order they take it: first those that run no step of the
    /// previous generation (no call reaches them yet, and the steps that will feed them find them
    /// ready), then the others; each group by id.
    static func order(_ changed: [DeviceID], previous: Set<DeviceID>) -> [DeviceID] {
        let fresh = changed.filter { !previous.contains($0) }.sorted()
        let running = changed.filter { previous.contains($0) }.sorted()
        return fresh + running
    }

    /// The rollout's shape once its devices are known: the canary's size and the number of stages.
    static func start(_ progress: RolloutProgress, devices total: Int, strategy: UpdateStrategy) -> RolloutProgress {
        var progress = progress
        let canary = strategy.canary.of(total)
        let batch = max(1, strategy.maxParallel.of(total))
        let rest = total - canary
        progress.canary = canary
        progress.stages = (canary > 0 ? 1 : 0) + (rest + batch - 1) / batch
        progress.remaining = total
        return progress
    }

    /// The next stage: the canary while it has not passed, else up to `max-parallel` devices.
    static func next(_ pending: [DeviceID], progress: RolloutProgress, strategy: UpdateStrategy) -> (devices: [DeviceID], canary: Bool) {
        if progress.canary > 0, !progress.canaryPassed { return (Array(pending.prefix(progress.canary)), true) }
        let total = progress.updated.count + pending.count
        return (Array(pending.prefix(max(1, strategy.maxParallel.of(total)))), false)
    }

    /// A stage's passed devices recorded.
    static func passed(_ progress: RolloutProgress, devices: [DeviceID], canary: Bool, pending: Int) -> RolloutProgress {
        var progress = progress
        progress.updated += devices
        progress.stage += 1
        progress.remaining = max(0, pending - devices.count)
        if canary { progress.canaryPassed = true }
        return progress
    }

    /// Devices that took the generation in a stage cut short (the server stopped during its
    /// checks) counted as updated, and what is left counted afresh.
    static func landed(_ progress: RolloutProgress, installed: [DeviceID: InstalledNode], pending: Int) -> RolloutProgress {
        var progress = progress
        let counted = Set(progress.updated)
        progress.updated += installed.filter { $0.value.generation == progress.to && !counted.contains($0.key) }.map(\.key).sorted()
        progress.remaining = pending
        return progress
    }

    /// Why the calls a stage's devices served fail it, if they do.
    static func errorRateProblem(calls: Int, failed: Int, limit: Double) -> String? {
        guard calls > 0 else { return nil }
        let rate = Double(failed) / Double(calls)
        guard rate > limit else { return nil }
        return "\(failed) of \(calls) calls failed on the stage's devices (\(percent(rate)), above the limit of \(percent(limit)))"
    }

    /// `stage 2 of 5`, `the canary (stage 1 of 5)`.
    static func name(_ progress: RolloutProgress, canary: Bool) -> String {
        let position = "stage \(progress.stage + 1) of \(max(progress.stages, progress.stage + 1))"
        return canary ? "the canary (\(position))" : position
    }

    static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        return value == value.rounded() ? "\(Int(value))%" : String(format: "%.1f%%", value)
    }
}
