/// Bounds how many devices are found dead on weak evidence (probes that time out or fail, silence)
/// within a window. When many fall silent together the trouble is more likely this server's, its
/// network's or its datastore's than theirs, and declaring them all dead at once would move their
/// work in a storm and queue thousands of writes ahead of a real failure. Beyond the bound a device
/// is held at suspect and checked again (it dies once the window has room); a refused connection,
/// which only a host that is up and has no process listening sends, is never held.
public struct DeathBrake: Sendable, Equatable {
    public var window: Duration
    /// Deaths allowed per window at least, and as a share of the fleet.
    public var floor: Int
    public var share: Double
    private var recent: [ContinuousClock.Instant] = []

    public static let `default` = DeathBrake(window: .seconds(10), floor: 20, share: 0.01)

    public init(window: Duration, floor: Int, share: Double) {
        self.window = window
        self.floor = floor
        self.share = share
    }

    /// `tide server --mass-failure-limit`: nil, the default; 0, no limit; else that many per window
    /// whatever the fleet's size.
    public static func limited(to count: Int?) -> DeathBrake {
        guard let count else { return .default }
        return DeathBrake(window: Self.default.window, floor: count == 0 ? Int.max : count, share: 0)
    }

    /// The deaths a window allows in a fleet of `fleet` devices.
    public func limit(fleet: Int) -> Int { max(floor, Int(Double(fleet) * share)) }

    /// Whether a device may be found dead now on `evidence`; counts it when it may.
    public mutating func allow(_ evidence: LivenessEvidence, at now: ContinuousClock.Instant, fleet: Int) -> Bool {
        if case .probeFailed(.refused) = evidence { return true }
        recent.removeAll { now - $0 >= window }
        guard recent.count < limit(fleet: fleet) else { return false }
        recent.append(now)
        return true
    }
}
