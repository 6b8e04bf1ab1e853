import Foundation
import Testing
import TideModel
import TideStore

@Suite("SQLite store: trust, tokens, audit log")
struct TokenStoreTests {
    @Test("device trust round-trips")
    func trust() throws {
        let store = try TideStore(path: StoreTests.temporaryPath())
        for (index, trust) in DeviceTrust.allCases.enumerated() {
            var device = StoreTests.device("d\(index)", port: 5000 + index)
            device.trust = trust
            try store.save(device, event: nil)
            #expect(try store.device(device.id)?.trust == trust)
        }
    }

    @Test("tokens: one bootstrap token at a time, deletion records its event, hashes are unique")
    func tokens() throws {
        let store = try TideStore(path: StoreTests.temporaryPath())
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let first = APIToken(id: "tok-operator", name: "operator.token", role: .admin, createdAt: now, createdBy: nil, bootstrap: true)
        try store.replaceBootstrapToken(with: APITokenRecord(first, secretHash: String(repeating: "a", count: 64)))
        try store.replaceBootstrapToken(with: APITokenRecord(first, secretHash: String(repeating: "b", count: 64)))
        #expect(try store.apiTokens().map(\.secretHash) == [String(repeating: "b", count: 64)])

        let ci = APIToken(id: "tok-1", name: "ci", role: .deployer, createdAt: now, createdBy: "tok-operator", bootstrap: false)
        let created = NewFleetEvent(time: now, kind: .tokenCreated, device: nil, message: "created")
        _ = try store.insert(APITokenRecord(ci, secretHash: String(repeating: "c", count: 64)), event: created)
        #expect(try store.apiTokens().compactMap { try? $0.token() }.map(\.role) == [.deployer, .admin])  // same time: by id
        let clash = APIToken(id: "tok-2", name: "clash", role: .viewer, createdAt: now, createdBy: nil, bootstrap: false)
        #expect(throws: StoreError.self) {
            _ = try store.insert(APITokenRecord(clash, secretHash: String(repeating: "c", count: 64)), event: created)
        }
        #expect(try store.events().count == 1)

        let revoked = NewFleetEvent(time: now, kind: .tokenRevoked, device: nil, message: "revoked")
        #expect(try store.deleteToken("tok-1", event: revoked) != nil)
        #expect(try store.deleteToken("tok-1", event: revoked) == nil)
        #expect(try store.events().map(\.kind) == [.tokenCreated, .tokenRevoked])
    }

    @Test("audit entries: ids in order, newest by default, paging after an id")
    func audit() throws {
        let store = try TideStore(path: StoreTests.temporaryPath())
        for status in [201, 403, 204] {
            try store.appendAudit(AuditEntry(
                id: 0, time: Date(), token: "tok-1", name: "ci", role: .deployer, method: "POST", path: "/api/v1/deployments",
                status: status))
        }
        #expect(try store.auditEntries().map(\.id) == [1, 2, 3])
        #expect(try store.auditEntries(limit: 2).map(\.status) == [403, 204])
        #expect(try store.auditEntries(afterID: 1, limit: 1).map(\.status) == [403])
        #expect(try store.auditEntries(afterID: 3).isEmpty)
    }
}
