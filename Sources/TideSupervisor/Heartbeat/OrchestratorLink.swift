/// Who the orchestrator is: the URLs of `--orchestrator` (several replicas' URLs are fallbacks for
/// one another), with the latest `POST /register` first. See `OrchestratorChoice`.
public actor OrchestratorLink {
    private var choice: OrchestratorChoice

    /// The URL heartbeats and renewals go to now.
    public var url: String? { choice.current }
    /// Every URL in the order they are tried.
    public var urls: [String] { choice.urls }

    public init(url: String?) {
        self.init(urls: url.map { [$0] } ?? [])
    }

    public init(urls: [String]) {
        var unique: [String] = []
        for url in urls.map(Self.normalize) where !unique.contains(url) { unique.append(url) }
        choice = OrchestratorChoice(configured: unique)
    }

    /// An orchestrator registered this device: it comes first, the configured URLs stay as fallbacks.
    public func set(_ url: String) {
        choice.register(Self.normalize(url))
    }

    func succeeded(at url: String) {
        choice.succeeded(at: url)
    }

    func failed(at url: String) -> OrchestratorChoice.Verdict {
        choice.failed(at: url)
    }

    /// An orchestrator named the replica that watches this device: heartbeats go there if they may.
    func follow(_ url: String) -> OrchestratorChoice.HintOutcome {
        choice.follow(Self.normalize(url))
    }

    static func normalize(_ url: String) -> String {
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
