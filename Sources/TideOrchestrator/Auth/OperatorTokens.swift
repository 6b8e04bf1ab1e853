import Foundation
import Logging
import Synchronization
import TideModel
import TidePackageFormat
import TideStore

/// Every operator token the server accepts, by the SHA-256 of its secret. Lookups are synchronous
/// (the auth middleware runs on every request); changes go to the store first.
final class OperatorTokens: Sendable {
    static let maxTokens = 1000
    static let maxNameLength = 100
    static let bootstrapID = "tok-operator"

    private let store: any FleetStore
    private let bus: EventBus
    private let logger: Logger
    private let tokens: Mutex<[String: APIToken]>

    init(store: any FleetStore, bus: EventBus, logger: Logger) async throws(StoreError) {
        self.store = store
        self.bus = bus
        self.logger = logger
        var byHash: [String: APIToken] = [:]
        for record in try await store.apiTokens() { byHash[record.secretHash] = try record.token() }
        tokens = Mutex(byHash)
    }

    /// Makes the server's own `operator.token` an admin token, replacing the one of a rotated file.
    func adoptBootstrap(secret: String) async throws(StoreError) {
        let hash = Self.hash(secret)
        if tokens.withLock({ $0[hash]?.bootstrap == true }) { return }
        let token = APIToken(
            id: Self.bootstrapID, name: OperatorToken.fileName, role: .admin, createdAt: Date(), createdBy: nil,
            bootstrap: true)
        try await store.replaceBootstrapToken(with: APITokenRecord(token, secretHash: hash))
        tokens.withLock { tokens in
            tokens = tokens.filter { !$0.value.bootstrap }
            tokens[hash] = token
        }
    }

    /// Whether a server's own token is on record (another replica's, on a shared datastore).
    var hasBootstrap: Bool { tokens.withLock { $0.values.contains { $0.bootstrap } } }

    /// The token whose secret this is, if any.
    func authenticate(_ secret: some StringProtocol) -> APIToken? {
        let hash = Self.hash(String(secret))
        return tokens.withLock { $0[hash] }
    }

    /// Reads every token again (another replica created or revoked one).
    func reload() async throws(StoreError) {
        var byHash: [String: APIToken] = [:]
        for record in try await store.apiTokens() { byHash[record.secretHash] = try record.token() }
        tokens.withLock { $0 = byHash }
    }

    func list() -> [APIToken] {
        tokens.withLock { Array($0.values) }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    func create(name: String, role: OperatorRole, by creator: APIToken?) async throws(TokenError) -> CreatedToken {
        let scalars = name.unicodeScalars
        guard (1...Self.maxNameLength).contains(scalars.count),
            !scalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        else {
            throw TokenError.badRequest("name must be 1-\(Self.maxNameLength) printable characters")
        }
        guard tokens.withLock({ $0.count }) < Self.maxTokens else {
            throw TokenError(.conflict, code: "too_many_tokens", "this server holds \(Self.maxTokens) tokens already; revoke some first")
        }
        let secret = OperatorToken.generate()
        let token = APIToken(
            id: "tok-" + Self.randomHex(bytes: 6), name: name, role: role, createdAt: Date(), createdBy: creator?.id,
            bootstrap: false)
        let event = NewFleetEvent(
            time: token.createdAt, kind: .tokenCreated, device: nil,
            message: "token \(token.label) created by \(creator?.label ?? "the server")",
            details: ["token": .string(token.id), "name": .string(token.name), "role": .string(role.rawValue),
                      "by": creator.map { .string($0.id) } ?? .null])
        let stored: FleetEvent
        do {
            stored = try await store.insert(APITokenRecord(token, secretHash: Self.hash(secret)), event: event)
        } catch {
            throw TokenError.internalFailure(error.description)
        }
        tokens.withLock { $0[Self.hash(secret)] = token }
        publish([stored])
        return CreatedToken(token: token, secret: secret)
    }

    /// Revokes at once: the next request with it is refused.
    func revoke(_ id: String, by revoker: APIToken?) async throws(TokenError) {
        guard let (hash, token) = tokens.withLock({ $0.first { $0.value.id == id } }) else {
            throw TokenError.missing("no token with id \"\(id)\"")
        }
        guard !token.bootstrap else {
            throw TokenError(
                .conflict, code: "bootstrap_token",
                "\(token.label) is the server's own token: rotate it by deleting <data-dir>/operator.token and restarting the server")
        }
        let event = NewFleetEvent(
            time: Date(), kind: .tokenRevoked, device: nil, message: "token \(token.label) revoked by \(revoker?.label ?? "the server")",
            details: ["token": .string(token.id), "name": .string(token.name), "role": .string(token.role.rawValue),
                      "by": revoker.map { .string($0.id) } ?? .null])
        let stored: FleetEvent?
        do {
            stored = try await store.deleteToken(id, event: event)
        } catch {
            throw TokenError.internalFailure(error.description)
        }
        tokens.withLock { $0[hash] = nil }
        publish(stored.map { [$0] } ?? [])
    }

    /// Records a call that changed something (or tried to), naming the token. A failure to write
    /// it is logged, never turned into a failed call.
    func audit(_ token: APIToken, method: String, path: String, status: Int) async {
        let entry = AuditEntry(
            id: 0, time: Date(), token: token.id, name: token.name, role: token.role, method: method, path: path,
            status: status)
        do {
            try await store.appendAudit(entry)
        } catch {
            logger.error("cannot write the audit entry \(token.label) \(method) \(path) -> \(status): \(error)")
        }
    }

    func auditPage(after: Int64?, limit: Int) async throws(TokenError) -> AuditPage {
        do {
            let entries = try await store.auditEntries(afterID: after, limit: limit)
            return AuditPage(entries: entries, cursor: entries.last?.id ?? after ?? 0)
        } catch {
            throw TokenError.internalFailure(error.description)
        }
    }

    private func publish(_ events: [FleetEvent]) {
        guard !events.isEmpty else { return }
        let bus = self.bus
        Task { await bus.published(events) }
    }

    static func hash(_ secret: String) -> String { BlobDigest(of: Array(secret.utf8)).hex }

    static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
