/// Which orchestrator heartbeats go to, among the configured URLs (`--orchestrator`, or `--join`)
/// and the one that last registered this device (`POST /register`), which comes first. After
/// `failuresBeforeMoving` failures in a row at the current URL the next one is used.
package struct OrchestratorChoice: Sendable, Equatable {
    static let failuresBeforeMoving = 2

    /// The configured URLs, in order: fallbacks after a registered one.
    let configured: [String]
    private(set) var urls: [String]
    private(set) var index = 0
    private var failuresHere = 0
    /// Failures since the last success, at any URL.
    private(set) var failuresInARow = 0
    /// When heartbeats last left each URL for failing there: a hint towards it waits this long.
    private var leftFailing: [String: Departure] = [:]
    /// How long a URL heartbeats left for failing is not gone back to on an orchestrator's hint,
    /// so that a replica this device cannot reach is not tried again and again; doubled each time
    /// heartbeats leave it again without a success there, up to `longestHintWait`.
    static let hintsIgnoredAfterFailure: Duration = .seconds(60)
    static let longestHintWait: Duration = .seconds(3600)

    struct Departure: Equatable {
        var at: ContinuousClock.Instant
        /// Departures for failing since the last success at the URL.
        var times: Int

        var wait: Duration {
            min(OrchestratorChoice.hintsIgnoredAfterFailure * (1 << min(times - 1, 6)), OrchestratorChoice.longestHintWait)
        }
    }

    /// What one failure changed.
    package struct Verdict: Equatable {
        /// The URL heartbeats go to from now on, when the failure moved them.
        package var movedTo: String?
        /// Every URL has failed `failuresBeforeMoving` times since the last success.
        package var everyURLFailed: Bool
    }

    package init(configured: [String]) {
        self.configured = configured
        self.urls = configured
    }

    package var current: String? { urls.isEmpty ? nil : urls[index] }

    /// An orchestrator registered this device: it comes first, the configured ones after it.
    mutating func register(_ url: String) {
        urls = [url] + configured.filter { $0 != url }
        index = 0
        failuresHere = 0
        failuresInARow = 0
    }

    /// The orchestrator at `url` answered.
    package mutating func succeeded(at url: String) {
        guard url == current else { return }
        failuresHere = 0
        failuresInARow = 0
        leftFailing[url] = nil
    }

    /// A heartbeat to `url` failed. A report about a URL that is no longer current (a registration
    /// came in meanwhile) changes nothing.
    package mutating func failed(at url: String, now: ContinuousClock.Instant = .now) -> Verdict {
        guard url == current else { return Verdict(movedTo: nil, everyURLFailed: false) }
        failuresHere += 1
        failuresInARow += 1
        var movedTo: String?
        if failuresHere >= Self.failuresBeforeMoving, urls.count > 1 {
            leftFailing[url] = Departure(at: now, times: (leftFailing[url]?.times ?? 0) + 1)
            index = (index + 1) % urls.count
            failuresHere = 0
            movedTo = urls[index]
        }
        return Verdict(movedTo: movedTo, everyURLFailed: failuresInARow >= Self.failuresBeforeMoving * urls.count)
    }

    /// What an orchestrator's hint (the replica that watches this device, `HeartbeatAck.watcher`) did.
    package enum HintOutcome: Equatable {
        /// Heartbeats go to the named URL from now on.
        case moved
        /// They already do.
        case alreadyThere
        /// Not among the URLs: heartbeats stay where they are.
        case unknown
        /// Heartbeats left that URL for failing too recently (`Departure.wait`).
        case failedRecently
    }

    /// Heartbeats go to `url` when it is one of the URLs and they did not leave it for failing
    /// too recently: a minute after the first departure, twice as long after each further one
    /// without a success there in between (at most an hour).
    package mutating func follow(_ url: String, now: ContinuousClock.Instant = .now) -> HintOutcome {
        guard url != current else { return .alreadyThere }
        guard let target = urls.firstIndex(of: url) else { return .unknown }
        if let left = leftFailing[url], now - left.at < left.wait { return .failedRecently }
        index = target
        failuresHere = 0
        return .moved
    }
}
