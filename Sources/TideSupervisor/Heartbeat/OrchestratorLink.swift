/// Who the orchestrator is, from `--orchestrator` or the latest `POST /register`.
public actor OrchestratorLink {
    public private(set) var url: String?

    public init(url: String?) {
        self.url = url.map(Self.normalize)
    }

    public func set(_ url: String) {
        self.url = Self.normalize(url)
    }

    static func normalize(_ url: String) -> String {
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
