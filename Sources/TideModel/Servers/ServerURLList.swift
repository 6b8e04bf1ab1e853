import Foundation

/// One or more base URLs of equivalent Tide servers (replicas sharing one database), in the order
/// to try them: `--server`, `TIDE_SERVER`, `--orchestrator` and `--join` take them comma-separated.
public struct ServerURLList: Sendable, Equatable, CustomStringConvertible {
    /// More servers than this is a typo, not a fleet.
    public static let maxCount = 16
    /// The longest URL accepted, checked before anything else is done with it.
    public static let maxURLLength = 2048

    /// Without trailing slashes; never empty, no two the same.
    public let urls: [String]

    /// The first URL: the one to use first.
    public var first: String { urls[0] }

    public var description: String { urls.joined(separator: ",") }

    /// Reads `text` (`URL[,URL...]`, spaces around commas allowed). `source` names where the text
    /// came from (`--server`, `TIDE_SERVER`) in the error; `httpsOnly` refuses http:// URLs.
    public init(parsing text: String, source: String, httpsOnly: Bool = false) throws(ServerURLListError) {
        let limit = Self.maxCount * (Self.maxURLLength + 1)
        guard text.utf8.count <= limit else {
            throw ServerURLListError("\(source) is \(text.utf8.count) bytes long; at most \(Self.maxCount) URLs of \(Self.maxURLLength) bytes each are accepted")
        }
        let entries = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard entries.count <= Self.maxCount else {
            throw ServerURLListError("\(source) lists \(entries.count) URLs; at most \(Self.maxCount) are accepted")
        }
        try self.init(entries, source: source, httpsOnly: httpsOnly)
    }

    /// Checks each of `urls` as `init(parsing:)` does.
    public init(_ urls: [String], source: String, httpsOnly: Bool = false) throws(ServerURLListError) {
        guard !urls.isEmpty else { throw ServerURLListError("\(source) needs at least one URL") }
        guard urls.count <= Self.maxCount else {
            throw ServerURLListError("\(source) lists \(urls.count) URLs; at most \(Self.maxCount) are accepted")
        }
        var accepted: [String] = []
        var seen: Set<String> = []
        for (index, url) in urls.enumerated() {
            let position = urls.count == 1 ? "" : " (URL \(index + 1) of \(urls.count))"
            guard !url.isEmpty else {
                throw ServerURLListError("\(source) has an empty entry\(position): give URL[,URL...] with no comma left over")
            }
            guard url.utf8.count <= Self.maxURLLength else {
                throw ServerURLListError("\(source)\(position) is longer than \(Self.maxURLLength) bytes")
            }
            if let problem = Self.problem(with: url, httpsOnly: httpsOnly) {
                throw ServerURLListError("\(source)\(position) \(problem), got \"\(url)\"")
            }
            let normalized = Self.normalize(url)
            guard seen.insert(normalized.lowercased()).inserted else {
                throw ServerURLListError("\(source) lists \(normalized) twice")
            }
            accepted.append(normalized)
        }
        self.urls = accepted
    }

    /// `url` without trailing slashes.
    public static func normalize(_ url: String) -> String {
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// What is wrong with `url` as a server's base URL, nil when nothing is.
    static func problem(with url: String, httpsOnly: Bool) -> String? {
        let lowered = url.lowercased()
        let schemes = httpsOnly ? ["https://"] : ["http://", "https://"]
        guard let scheme = schemes.first(where: { lowered.hasPrefix($0) }) else {
            return httpsOnly ? "must be an https:// URL" : "must be an http:// or https:// URL"
        }
        let rest = url.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        guard !host.isEmpty, !host.hasPrefix(":") else { return "has no host name" }
        guard !url.contains(where: { $0 == "?" || $0 == "#" }) else {
            return "must be a base URL, without ? or #"
        }
        guard !url.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true }) else {
            return "must not contain spaces or control characters"
        }
        return nil
    }
}

/// A server list that cannot be used, and why, naming where it came from.
public struct ServerURLListError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
