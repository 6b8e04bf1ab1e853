import Foundation
import TideModel

/// One call's record, as `GET /request-history/<id>` returns it. `result` keeps wasmiot's shape:
/// `[<the value as JSON text>, <output file URLs or null>]`, or, for a step that forwarded its
/// output, the next step's resultUrl as a bare string (what a wasmiot orchestrator follows).
public struct HistoryEntry: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable { case pending, done, failed }

    public var requestId: String
    public var deploymentId: String
    public var module: String
    public var function: String
    public var status: Status
    public var success: Bool
    public var result: ResultField?
    /// The value itself (scalar results): integers exact, floats as numbers.
    public var value: ResultNumber?
    public var values: [ResultNumber]?
    /// Output file name -> download URL.
    public var files: [String: String]?
    /// When the step forwarded its output, the next step's resultUrl (also `result`).
    public var chainedTo: String?
    /// When the next step could not be reached (or its device was given up on), so the output
    /// was not handed on: set beside `error`, while the step's own value stays readable.
    public var forwardFailure: ForwardFailure?
    public var error: String?
    public var queuedAt: Date
    public var finishedAt: Date?
    public var durationMs: Double?

    /// A hand-off to the next step that did not get an answer.
    public struct ForwardFailure: Sendable, Codable, Equatable {
        /// The next step's endpoint.
        public var to: String
        /// Whether the next step may have received the call (and run): false only when the
        /// connection was never made.
        public var mayHaveRun: Bool

        public init(to: String, mayHaveRun: Bool) {
            self.to = to
            self.mayHaveRun = mayHaveRun
        }
    }

    public enum ResultField: Sendable, Codable, Equatable {
        /// `[<the value as JSON text>, <output file URLs or null>]`.
        case value(json: String, files: [String]?)
        /// The next step's resultUrl, bare.
        case next(String)

        public init(from decoder: any Decoder) throws {
            if let url = try? decoder.singleValueContainer().decode(String.self) {
                self = .next(url)
                return
            }
            var container = try decoder.unkeyedContainer()
            self = .value(json: try container.decode(String.self), files: try container.decodeIfPresent([String].self))
        }

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .value(let json, let files):
                var container = encoder.unkeyedContainer()
                try container.encode(json)
                if let files { try container.encode(files) } else { try container.encodeNil() }
            case .next(let url):
                var container = encoder.singleValueContainer()
                try container.encode(url)
            }
        }
    }
}

/// Recent calls, kept for at most `maxEntries` entries and `maxAge`; output files live in
/// `history/<requestId>/` and go with their entry.
public actor RequestHistory {
    private let directory: DataDirectory
    private let maxEntries: Int
    private let maxAge: Duration
    private var entries: [String: HistoryEntry] = [:]
    private var order: [String] = []
    private var waiters: [String: [CheckedContinuation<HistoryEntry, Never>]] = [:]

    public init(directory: DataDirectory, maxEntries: Int, maxAge: Duration) {
        self.directory = directory
        self.maxEntries = max(1, maxEntries)
        self.maxAge = maxAge
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.historyRoot)) ?? [] {
            DataDirectory.remove(directory.historyRoot + "/" + name)
        }
    }

    public func entry(_ id: String) -> HistoryEntry? { entries[id] }

    public var count: Int { entries.count }

    /// The entries of `deployment` queued at or after `since`, oldest first.
    public func entries(of deployment: String?, since: Date?) -> [HistoryEntry] {
        order.compactMap { entries[$0] }.filter { entry in
            (deployment.map { entry.deploymentId == $0 } ?? true) && (since.map { entry.queuedAt >= $0 } ?? true)
        }
    }

    func begin(_ entry: HistoryEntry) {
        prune(now: entry.queuedAt)
        entries[entry.requestId] = entry
        order.append(entry.requestId)
    }

    func finish(_ entry: HistoryEntry) {
        guard entries[entry.requestId] != nil else { return }
        entries[entry.requestId] = entry
        for waiter in waiters.removeValue(forKey: entry.requestId) ?? [] { waiter.resume(returning: entry) }
    }

    /// The entry once it is no longer pending.
    public func completed(_ id: String) async -> HistoryEntry? {
        guard let entry = entries[id] else { return nil }
        if entry.status != .pending { return entry }
        return await withCheckedContinuation { waiters[id, default: []].append($0) }
    }

    /// Where the output files of `id` are stored.
    func filesDirectory(_ id: String) -> String { directory.historyDirectory(id) }

    private func prune(now: Date) {
        let oldest = now.addingTimeInterval(-Double(maxAge.components.seconds))
        while let first = order.first, let entry = entries[first],
            order.count >= maxEntries || (entry.status != .pending && (entry.finishedAt ?? entry.queuedAt) < oldest)
        {
            order.removeFirst()
            entries.removeValue(forKey: first)
            DataDirectory.remove(directory.historyDirectory(first))
            for waiter in waiters.removeValue(forKey: first) ?? [] { waiter.resume(returning: entry) }
        }
        while let first = order.first, entries[first] == nil { order.removeFirst() }
    }
}
