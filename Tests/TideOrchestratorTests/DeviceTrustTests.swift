import Foundation
import Testing
import TideModel
@testable import TideTesting

/// The holes of issue 13, closed: what enters through an open route is unverified (no work, no
/// credentials), heartbeats need the fleet token, and self-registration is no port scanner.
@Suite("Device trust: open routes, fleet token, approval", .stopsWhatItStarts)
struct DeviceTrustTests {
    static let manifest = "name: trusty\nsteps:\n  - name: f\n    module: fibo@^1.1\n    function: fibo\n"

    static func register(_ server: TestServer, port: Int, host: String = "127.0.0.1") async throws -> (status: Int, body: String) {
        let body = #"{"name": "self-registered", "host": "\#(host)", "port": \#(port), "addresses": ["\#(host)"]}"#
        let answer = try await server.request(.POST, "/file/device/discovery/register", body: body, token: .some(nil))
        return (answer.status, answer.body)
    }

    @Test("a self-registered device gets no work and no token until an operator approves it")
    func unverifiedUntilApproved() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let device = try await FakeDevice.start()

        #expect(try await Self.register(server, port: device.port).status == 204)
        let stored = try #require(try await server.client.devices().first)
        #expect(stored.trust == .unverified)
        let registered = try server.store().events().first { $0.kind == .deviceRegistered }
        #expect(registered?.message.hasSuffix("unverified: no work until an operator approves it") == true, "\(registered?.message ?? "")")

        let refused = try await server.request(.POST, "/api/v1/deployments", body: Self.manifest, contentType: "application/yaml")
        #expect(refused.status == 422, "\(refused.body)")
        #expect(errorOf(refused.body)?.message.contains("is unverified (approve it with tide device approve") == true, "\(refused.body)")
        #expect(device.receivedNodes.isEmpty)
        #expect(try server.store().deployments().isEmpty)

        let approved = try await server.client.approveDevice(stored.id)
        #expect(approved.trust == .operator)
        #expect(try server.store().events().contains { $0.kind == .deviceTrusted && $0.message.hasSuffix("approved by an operator") })
        let applied = try await server.request(.POST, "/api/v1/deployments", body: Self.manifest, contentType: "application/yaml")
        #expect(applied.status == 201, "\(applied.body)")
        #expect(device.receivedAuthorizations == ["Bearer \(server.fleetToken)"])

        // Registering itself again does not take the approval away.
        #expect(try await Self.register(server, port: device.port).status == 204)
        #expect(try await server.client.device(stored.id).trust == .operator)
    }

    @Test("with --allow-unverified-devices an unverified device takes work, but never the fleet token")
    func allowedButNoToken() async throws {
        let server = try await TestServer.start(
            bundledRegistry: Repository.registry, supervisorToken: "fleet-secret", allowUnverifiedDevices: true)
        let device = try await FakeDevice.start()
        #expect(try await Self.register(server, port: device.port).status == 204)

        let applied = try await server.request(.POST, "/api/v1/deployments", body: Self.manifest, contentType: "application/yaml")
        #expect(applied.status == 201, "\(applied.body)")
        #expect(try await server.request(.DELETE, "/api/v1/deployments/trusty").status == 200)
        #expect(device.receivedNodes.count == 1)
        #expect(device.removedDeployments == ["trusty"])
        #expect(device.receivedAuthorizations == [nil, nil])
    }

    @Test("self-registration connects only to the caller's own address, and answers alike whatever it finds there")
    func noPortScanner() async throws {
        let server = try await TestServer.start(registrationTimeout: .seconds(2))
        let healthy = try await FakeDevice.start()
        let failing = try await FakeDevice.start(.failing(status: 500))
        let notJSON = try await FakeDevice.start(.notJSON)

        // The host in the body is not used: the device is reached at the address the request came from.
        #expect(try await Self.register(server, port: healthy.port, host: "10.255.255.1").status == 204)
        #expect(try await server.client.devices().map(\.addresses) == [["127.0.0.1"]])

        let closedPort = try FreePort.pick()
        var answers: [String] = []
        for port in [closedPort, failing.port, notJSON.port] {
            let answer = try await Self.register(server, port: port, host: "192.0.2.7")
            #expect(answer.status == 502)
            let error = try #require(errorOf(answer.body))
            #expect(error.code == "device_unusable")
            #expect(error.message == "the device at 127.0.0.1:\(port) could not be registered; the server's log says why")
            answers.append(answer.body.replacingOccurrences(of: String(port), with: "PORT"))
        }
        #expect(Set(answers).count == 1, "the answers differ: \(answers)")
        #expect(try server.store().allDevices().count == 1)
    }

    @Test("an open route cannot move a trusted device: another address claiming its id is refused")
    func noHijack() async throws {
        let server = try await TestServer.start()
        let victim = try await FakeDevice.start(tideID: "gw-victim")
        let impostor = try await FakeDevice.start(tideID: "gw-victim")
        _ = try await server.client.addDevice(address: victim.address)

        let answer = try await Self.register(server, port: impostor.port)
        #expect(answer.status == 409, "\(answer.body)")
        #expect(errorOf(answer.body)?.code == "trusted_device_elsewhere")
        #expect(errorOf(answer.body)?.message.hasPrefix("the device at 127.0.0.1:\(impostor.port) says it is gw-victim, a trusted device") == true)
        let stored = try await server.client.device(DeviceID("gw-victim"))
        #expect(stored.port == victim.port)
        #expect(stored.trust == .operator)
    }

    @Test("heartbeats need the fleet token: none is 401, a wrong one 403, and neither keeps a frozen device alive")
    func forgedHeartbeats() async throws {
        let server = try await TestServer.start(probeInterval: .seconds(1), probeTimeout: .milliseconds(500))
        let device = try await FakeDevice.start(tideID: "gw-frozen-forged")
        let registered = try await server.client.addDevice(address: device.address)
        let beat = #"{"id": "gw-frozen-forged", "health": {"cpuUsage": 0.1, "memoryUsage": 0.2}}"#

        let missing = try await server.request(.POST, "/file/device/heartbeat", body: beat, token: .some(nil))
        #expect(missing.status == 401)
        #expect(errorOf(missing.body)?.message.hasPrefix("heartbeats need the fleet's supervisor token: start the supervisor with --token") == true)
        #expect(missing.headers.first(name: "www-authenticate") == "Bearer")
        let wrong = try await server.request(.POST, "/file/device/heartbeat", body: beat, token: .some("not-the-fleet-token"))
        #expect(wrong.status == 403)
        #expect(errorOf(wrong.body)?.message == "the supervisor token is not valid for this server")
        let unknown = try await server.request(
            .POST, "/file/device/heartbeat", body: #"{"id": "gw-new", "port": \#(device.port), "health": {"cpuUsage": 0, "memoryUsage": 0}}"#,
            token: .some(nil))
        #expect(unknown.status == 401)
        #expect(try server.store().allDevices().map(\.id) == [registered.id])

        // Frozen: probes hang. Forged heartbeats keep coming; the device still dies.
        device.behaviour = .hanging
        let forger = Task {
            while !Task.isCancelled {
                _ = try? await server.request(.POST, "/file/device/heartbeat", body: beat, token: .some("not-the-fleet-token"))
                _ = try? await server.request(.POST, "/file/device/heartbeat", body: beat, token: .some(nil))
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        defer { forger.cancel() }
        #expect(try await eventually(timeout: .seconds(40)) { try await server.client.device(registered.id).status == .dead })
        let evidence = try await server.client.events(device: registered.id).events
            .filter { $0.kind == .deviceStatusChanged }.compactMap { $0.details?["evidence"]?.stringValue }
        #expect(!evidence.contains("heartbeat received"), "\(evidence)")
    }

    @Test("a heartbeat with the fleet token makes a self-registered Tide supervisor trusted")
    func tokenProof() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start(tideID: "gw-proof")
        #expect(try await Self.register(server, port: device.port).status == 204)
        #expect(try await server.client.device(DeviceID("gw-proof")).trust == .unverified)

        let beat = #"{"id": "gw-proof", "health": {"cpuUsage": 0.1, "memoryUsage": 0.2}}"#
        let answer = try await server.request(.POST, "/file/device/heartbeat", body: beat, token: .some(server.fleetToken))
        #expect(answer.status == 200, "\(answer.body)")
        #expect(try await server.client.device(DeviceID("gw-proof")).trust == .token)
        let trusted = try server.store().events().first { $0.kind == .deviceTrusted }
        #expect(trusted?.message == "device self-registered (gw-proof) is trusted: proved the fleet token")
    }

    @Test("the supervisor token is created once in the data directory, mode 0600")
    func supervisorTokenFile() async throws {
        let directory = TemporaryDirectory.make()
        let first = try await TestServer.start(dataDirectory: directory)
        await first.stop()
        let second = try await TestServer.start(dataDirectory: directory)
        #expect(first.fleetToken == second.fleetToken)
        #expect(first.fleetToken.hasPrefix("tide_"))
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/supervisor.token")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("tide device revoke: the device is dead to the fleet at once, its step moves, its heartbeats are refused; approve brings it back")
    func revoke() async throws {
        let server = try await TestServer.start(
            probeInterval: .milliseconds(300), probeTimeout: .milliseconds(500), bundledRegistry: Repository.registry)
        let first = try await FakeDevice.start(tideID: "gw-first")
        let second = try await FakeDevice.start(tideID: "gw-second")
        _ = try await server.client.addDevice(address: first.address)
        _ = try await server.client.addDevice(address: second.address)
        let applied = try await server.request(.POST, "/api/v1/deployments", body: Self.manifest, contentType: "application/yaml")
        #expect(applied.status == 201, "\(applied.body)")
        let placed = try #require(try await server.client.deployment("trusty").steps.first?.device)
        let other = placed == DeviceID("gw-first") ? DeviceID("gw-second") : DeviceID("gw-first")

        let revoked = try await server.client.revokeDevice(placed)
        #expect(revoked.trust == .revoked && revoked.status == .dead)
        #expect(revoked.statusReason == "revoked by an operator")
        #expect(try await eventually(timeout: .seconds(20)) {
            let deployment = try await server.client.deployment("trusty")
            return deployment.status == .active && deployment.steps.first?.device == other
        })
        let beat = #"{"id": "\#(placed)", "health": {"cpuUsage": 0.1, "memoryUsage": 0.2}}"#
        let refused = try await server.request(.POST, "/file/device/heartbeat", body: beat, token: .some(server.fleetToken))
        #expect(refused.status == 403)
        #expect(errorOf(refused.body)?.code == "device_revoked")
        let reRegistered = try await Self.register(server, port: placed == DeviceID("gw-first") ? first.port : second.port)
        #expect(reRegistered.status == 403, "\(reRegistered.body)")
        // Its supervisor answers probes, but nobody asks: it stays dead.
        try await Task.sleep(for: .seconds(1))
        #expect(try await server.client.device(placed).status == .dead)
        #expect(try server.store().events().contains { $0.kind == .deviceRevoked && $0.device == placed })

        #expect(try await server.client.approveDevice(placed).trust == .operator)
        #expect(try await eventually(timeout: .seconds(10)) { try await server.client.device(placed).status == .alive })
    }
}
