import Foundation
import NIOHTTP1
import Testing
import TideModel
import TideOrchestrator
import TideStore
@testable import TideTesting

/// Operator tokens with roles: viewer, deployer, admin; stored hashed; revoked at once; audited.
@Suite("Operator tokens and roles", .stopsWhatItStarts)
struct OperatorRoleTests {
    static let manifest = "name: roles\nsteps:\n  - name: f\n    module: fibo@^1.1\n    function: fibo\n"

    @Test("a viewer reads, a deployer deploys, only an admin publishes and manages devices and tokens")
    func roles() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let device = try await FakeDevice.start()
        let registered = try await server.client.addDevice(address: device.address)
        let viewer = try await server.client.createToken(name: "dashboard", role: .viewer)
        let deployer = try await server.client.createToken(name: "ci", role: .deployer)

        #expect(try await server.request(.GET, "/api/v1/devices", token: .some(viewer.secret)).status == 200)
        #expect(try await server.request(.GET, "/api/v1/events", token: .some(viewer.secret)).status == 200)
        #expect(try await server.request(.GET, "/file/manifest", token: .some(viewer.secret)).status == 200)
        let plan = try await server.request(
            .POST, "/api/v1/plan", body: Self.manifest, contentType: "application/yaml", token: .some(viewer.secret))
        #expect(plan.status == 200, "\(plan.body)")
        let refused = try await server.request(
            .POST, "/api/v1/deployments", body: Self.manifest, contentType: "application/yaml", token: .some(viewer.secret))
        #expect(refused.status == 403)
        #expect(errorOf(refused.body)?.message
            == "token dashboard (\(viewer.token.id), viewer) may not POST /api/v1/deployments: that needs the deployer role")
        #expect(try server.store().deployments().isEmpty)
        #expect(device.receivedNodes.isEmpty)

        let applied = try await server.request(
            .POST, "/api/v1/deployments", body: Self.manifest, contentType: "application/yaml", token: .some(deployer.secret))
        #expect(applied.status == 201, "\(applied.body)")
        let run = try await server.request(.POST, "/api/v1/deployments/roles/run", body: #"{"n": 5}"#, token: .some(deployer.secret))
        #expect(run.status != 403, "\(run.body)")

        let forbidden: [(HTTPMethod, String)] = [
            (.POST, "/api/v1/devices"), (.POST, "/api/v1/devices/\(registered.id)/approve"),
            (.DELETE, "/api/v1/devices/\(registered.id)"), (.POST, "/api/v1/packages/fibo/1.1.0/yank"),
            (.GET, "/api/v1/tokens"), (.POST, "/api/v1/tokens"),
        ]
        for (method, path) in forbidden {
            let answer = try await server.request(method, path, body: "{}", token: .some(deployer.secret))
            #expect(answer.status == 403, "\(method) \(path): \(answer.body)")
            #expect(errorOf(answer.body)?.message.hasSuffix("that needs the admin role") == true, "\(answer.body)")
        }
        #expect(try await server.client.devices().map(\.id) == [registered.id])
        #expect(try await server.client.tokens().count == 3)
    }

    @Test("tokens are stored hashed, their secret is shown once, a revoked token is refused at once")
    func storageAndRevocation() async throws {
        let server = try await TestServer.start()
        let created = try await server.client.createToken(name: "ci", role: .deployer)
        #expect(created.secret.hasPrefix("tide_") && created.secret.count == 69)
        #expect(created.token.createdBy == "tok-operator")

        let records = try server.store().apiTokens()
        #expect(records.map(\.name).sorted() == ["ci", "operator.token"])
        let stored = try #require(records.first { $0.id == created.token.id })
        #expect(stored.secretHash.count == 64 && stored.secretHash != created.secret)
        let database = try Data(contentsOf: URL(fileURLWithPath: server.dataDirectory + "/tide.sqlite"))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: server.dataDirectory + "/tide.sqlite-wal"))) ?? Data()
        #expect(database.range(of: Data(created.secret.utf8)) == nil && wal.range(of: Data(created.secret.utf8)) == nil)
        let listed = try await server.request(.GET, "/api/v1/tokens")
        #expect(!listed.body.contains(created.secret) && !listed.body.contains(stored.secretHash))

        #expect(try await server.request(.GET, "/api/v1/devices", token: .some(created.secret)).status == 200)
        try await server.client.revokeToken(created.token.id)
        let afterRevoke = try await server.request(.GET, "/api/v1/devices", token: .some(created.secret))
        #expect(afterRevoke.status == 403)
        #expect(errorOf(afterRevoke.body)?.message == "the operator token is not valid for this server")
        let revokedEvent = try server.store().events().last { $0.kind == .tokenRevoked }
        #expect(revokedEvent?.message == "token ci (\(created.token.id), deployer) revoked by operator.token (tok-operator, admin)")

        let bootstrap = try await server.request(.DELETE, "/api/v1/tokens/tok-operator")
        #expect(bootstrap.status == 409)
        #expect(errorOf(bootstrap.body)?.message.hasSuffix("rotate it by deleting <data-dir>/operator.token and restarting the server") == true)
        let unknown = try await server.request(.DELETE, "/api/v1/tokens/tok-nothing")
        #expect(unknown.status == 404)
        #expect(errorOf(unknown.body)?.message == "no token with id \"tok-nothing\"")
    }

    @Test("bad token requests are refused with the reason, and store nothing")
    func badRequests() async throws {
        let server = try await TestServer.start()
        let cases: [(body: String, message: String)] = [
            (#"{"name": "x", "role": "root"}"#, "role"),
            (#"{"name": "", "role": "viewer"}"#, "name must be 1-100 printable characters"),
            (#"{"name": "\#(String(repeating: "n", count: 101))", "role": "viewer"}"#, "name must be 1-100 printable characters"),
            (#"{"name": "tab\there", "role": "viewer"}"#, "name must be 1-100 printable characters"),
            (#"{"role": "viewer"}"#, "name"),
        ]
        for (body, message) in cases {
            let answer = try await server.request(.POST, "/api/v1/tokens", body: body)
            #expect(answer.status == 400, "\(body): \(answer.body)")
            #expect(errorOf(answer.body)?.message.contains(message) == true, "\(body): \(answer.body)")
        }
        #expect(try server.store().apiTokens().map(\.name) == ["operator.token"])
    }

    @Test("every call that changes something, refused ones too, goes to the audit log with its token; the fleet's events do not")
    func audit() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let device = try await FakeDevice.start()
        _ = try await server.client.addDevice(address: device.address)
        let deployer = try await server.client.createToken(name: "ci", role: .deployer)
        let eventsBefore = try server.store().events().count
        _ = try await server.request(
            .POST, "/api/v1/deployments", body: Self.manifest, contentType: "application/yaml", token: .some(deployer.secret))
        _ = try await server.request(.POST, "/api/v1/tokens", body: #"{"name": "sneaky", "role": "admin"}"#, token: .some(deployer.secret))
        _ = try await server.request(.GET, "/api/v1/deployments", token: .some(deployer.secret))
        _ = try await server.request(.POST, "/api/v1/plan", body: Self.manifest, contentType: "application/yaml", token: .some(deployer.secret))

        let page = try await server.client.audit()
        #expect(page.entries.map { "\($0.name) \($0.role.rawValue) \($0.method) \($0.path) \($0.status)" } == [
            "operator.token admin POST /api/v1/devices 201",
            "operator.token admin POST /api/v1/tokens 201",
            "ci deployer POST /api/v1/deployments 201",
            "ci deployer POST /api/v1/tokens 403",
        ])
        #expect(page.entries[2].token == deployer.token.id)
        #expect(page.cursor == page.entries.last?.id)
        #expect(try await server.client.audit(after: page.entries[1].id).entries.map(\.status) == [201, 403])
        #expect(try await server.client.audit(limit: 1).entries.map(\.status) == [403])
        // The fleet's event log holds what changed in the fleet, not who called.
        let kinds = try server.store().events().dropFirst(eventsBefore).map(\.kind)
        #expect(!kinds.isEmpty && kinds.allSatisfy { $0.rawValue.hasPrefix("deployment.") }, "\(kinds)")

        let viewer = try await server.client.createToken(name: "eyes", role: .viewer)
        let refused = try await server.request(.GET, "/api/v1/audit", token: .some(viewer.secret))
        #expect(refused.status == 403)
        let badLimit = try await server.request(.GET, "/api/v1/audit?limit=0")
        #expect(errorOf(badLimit.body)?.message == "limit must be a whole number from 1 to 1000, not \"0\"")
        let table = try await TideProcess.run(["token", "audit", "--server", server.baseURL, "--data-dir", server.dataDirectory])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("POST /api/v1/tokens") && table.stdout.contains("403"), "\(table.stdout)")
    }

    @Test("rotating operator.token: the old secret is refused after a restart, other tokens stay")
    func rotation() async throws {
        let directory = TemporaryDirectory.make()
        let first = try await TestServer.start(dataDirectory: directory)
        let kept = try await first.client.createToken(name: "kept", role: .viewer)
        let oldSecret = try #require(first.token)
        await first.stop()
        try FileManager.default.removeItem(atPath: directory + "/operator.token")

        let second = try await TestServer.start(dataDirectory: directory)
        #expect(second.token != oldSecret)
        #expect(try await second.request(.GET, "/api/v1/devices", token: .some(oldSecret)).status == 403)
        #expect(try await second.request(.GET, "/api/v1/devices").status == 200)
        #expect(try await second.request(.GET, "/api/v1/devices", token: .some(kept.secret)).status == 200)
        #expect(try await second.client.tokens().map(\.name).sorted() == ["kept", "operator.token"])
    }

    @Test("tide token create, ls and revoke")
    func cli() async throws {
        let server = try await TestServer.start()
        let common = ["--server", server.baseURL, "--data-dir", server.dataDirectory]
        let created = try await TideProcess.run(["token", "create", "night-shift", "--role", "viewer"] + common)
        #expect(created.status == 0, "\(created.stderr)")
        let lines = created.stdout.split(separator: "\n")
        let id = try #require(lines.first?.split(separator: " ").first.map(String.init))
        #expect(id.hasPrefix("tok-"))
        #expect(lines.last?.hasPrefix("secret (shown only now; give it as TIDE_TOKEN or --token): tide_") == true)

        let listed = try await TideProcess.run(["token", "ls"] + common)
        #expect(listed.stdout.contains(id) && listed.stdout.contains("night-shift") && listed.stdout.contains("viewer"))
        let badRole = try await TideProcess.run(["token", "create", "x", "--role", "root"] + common)
        #expect(badRole.status != 0)
        #expect(badRole.stderr.contains("--role"), "\(badRole.stderr)")

        let revoked = try await TideProcess.run(["token", "revoke", id] + common)
        #expect(revoked.status == 0 && revoked.stdout == "revoked \(id)\n", "\(revoked.stderr)")
        let again = try await TideProcess.run(["token", "revoke", id] + common)
        #expect(again.status == 1)
        #expect(again.stderr.contains("no token with id \"\(id)\""), "\(again.stderr)")
    }
}

