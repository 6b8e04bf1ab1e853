import TideLiquid
import TidePackageFormat

/// Whole snapshots staged for pre-copied moves: the server puts one here, checked, while calls
/// still run on the old device (the deployment need not be here yet); the delta sent in the pause
/// is applied to it. A few at a time, for a few minutes: the oldest goes first.
actor StagedSnapshots {
    struct Key: Hashable {
        var deployment: String
        var module: String
        var digest: BlobDigest
    }

    private struct Entry {
        var state: StagedState
        var stagedAt: ContinuousClock.Instant
    }

    static let maxEntries = 4
    static let lifetime: Duration = .seconds(300)

    private var entries: [Key: Entry] = [:]

    func stage(_ state: StagedState, as key: Key) {
        let now = ContinuousClock.now
        prune(now)
        entries[key] = Entry(state: state, stagedAt: now)
        while entries.count > Self.maxEntries, let oldest = entries.min(by: { $0.value.stagedAt < $1.value.stagedAt })?.key {
            entries[oldest] = nil
        }
    }

    /// The staged snapshot, no longer staged.
    func take(_ key: Key) -> StagedState? {
        prune(ContinuousClock.now)
        return entries.removeValue(forKey: key)?.state
    }

    private func prune(_ now: ContinuousClock.Instant) {
        entries = entries.filter { now - $0.value.stagedAt < Self.lifetime }
    }
}
