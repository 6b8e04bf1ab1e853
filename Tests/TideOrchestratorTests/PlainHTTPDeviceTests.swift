import Foundation
import Testing
import TideClient
import TideModel
import TideOrchestrator
@testable import TideTesting

/// Devices without a fleet certificate on an HTTPS server: refused unless the operator allows
/// them; with `--plain-http-port` a supervisor that cannot check the fleet CA (as a wasmiot one)
/// downloads its modules over plain HTTP; either way such a device is marked `http`.
@Suite("Plain-HTTP devices on an HTTPS server", .serialized, .stopsWhatItStarts)
struct PlainHTTPDeviceTests {
    private func client(_ server: TestServer) throws -> TideClient {
        TideClient(baseURL: server.baseURL, token: server.token, http: try HTTPProbe.trusting(caFile: server.dataDirectory + "/tls/ca.pem"))
    }

    @Test("an HTTPS server refuses a device without a certificate unless allowed, says how, and stores nothing")
    func refusedByDefault() async throws {
        let server = try await TestServer.start(transport: .fleetCA(extraHosts: []))
        let device = try await FakeDevice.start(tideID: "plain-1")
        let api = try client(server)
        do {
            _ = try await api.addDevice(address: device.address)
            Issue.record("a plain-HTTP device was registered")
        } catch {
            #expect(error.status == 403 && error.code == "plain_http_device", "\(error)")
            #expect(error.message.contains("only when started with --plain-http-devices"), "\(error.message)")
        }
        // A heartbeat with the fleet token naming its port is refused the same way.
        let beat = #"{"id": "plain-1", "port": \#(device.port), "health": {"cpuUsage": 0.1, "memoryUsage": 0.2}}"#
        let answer = try await HTTPProbe.post(
            server.baseURL + "/file/device/heartbeat", json: beat, token: server.fleetToken,
            client: try HTTPProbe.trusting(caFile: server.dataDirectory + "/tls/ca.pem"))
        #expect(answer.status == 403 && answer.body.contains("plain_http_device"), "\(answer.body)")
        #expect(try await api.devices().isEmpty)
        #expect(device.healthRequests == 0, "the server connected to a device it would refuse")
        #expect(try await api.events().events.allSatisfy { $0.kind != .deviceRegistered })
    }

    @Test("allowed, a device without a certificate is registered and marked http, in the API and in tide device ls")
    func allowedAndMarked() async throws {
        let server = try await TestServer.start(transport: .fleetCA(extraHosts: []), plainHTTPDevices: true)
        let device = try await FakeDevice.start(tideID: "plain-2")
        let added = try await client(server).addDevice(address: device.address)
        #expect(added.transport == "http" && added.trust == .operator)
        let raw = try await HTTPProbe.get(
            server.baseURL + "/api/v1/devices/plain-2", token: server.token,
            client: try HTTPProbe.trusting(caFile: server.dataDirectory + "/tls/ca.pem"))
        #expect(raw.body.contains(#""transport":"http""#), "\(raw.body)")
        let listed = try await TideProcess.run(["device", "ls", "--server", server.baseURL, "--data-dir", server.dataDirectory])
        #expect(listed.status == 0 && listed.stdout.contains("http://\(device.address)"), "\(listed.stdout) \(listed.stderr)")
    }

    @Test("with --plain-http-port a supervisor that cannot check the fleet CA downloads over plain HTTP and runs its step")
    func wasmiotStyleSupervisor() async throws {
        let plainPort = try FreePort.pick()
        let server = try await TestServer.start(
            bundledRegistry: Repository.registry, transport: .fleetCA(extraHosts: []), plainHTTPPort: plainPort)
        // No --orchestrator, no --ca-cert, no token: like a wasmiot supervisor.
        let supervisor = try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--name", "wasmiot-like", "--data-dir", TemporaryDirectory.make(), "--log-level", "warning",
        ])
        defer { supervisor.stop() }
        let api = try client(server)
        let device = try await api.addDevice(address: "127.0.0.1:\(supervisor.port)")
        #expect(device.transport == "http")

        let manifest = try String(contentsOfFile: Repository.root + "/manifests/fibo.yaml", encoding: .utf8)
        _ = try await api.apply(manifest: Array(manifest.utf8), json: false, fileName: "fibo.yaml")
        let result = try await api.run("fibo", inputs: ["n": 10])
        #expect("\(result)".contains("55"), "\(result)")

        // The plain listener serves device routes only: no API, no enrollment.
        let plain = "http://127.0.0.1:\(plainPort)"
        #expect(try await HTTPProbe.get(plain + "/healthz").status == 200)
        #expect(try await HTTPProbe.get(plain + "/file/device").status == 200)
        #expect(try await HTTPProbe.get(plain + "/api/v1/devices", token: server.token).status == 404)
        #expect(try await HTTPProbe.get(plain + "/enroll/ca").status == 404)
    }
    @Test("a port already in use: the server does not start, and says which address and option")
    func portInUse() async throws {
        let occupant = try await FakeDevice.start(tideID: "occupant")
        do {
            _ = try await TestServer.start(port: occupant.port)
            Issue.record("a server started on a port in use")
        } catch {
            #expect("\(error)".contains("cannot listen on 127.0.0.1:\(occupant.port) (--port): the address is in use"), "\(error)")
        }
        do {
            _ = try await TestServer.start(transport: .fleetCA(extraHosts: []), plainHTTPPort: occupant.port)
            Issue.record("a server started with its plain-HTTP port in use")
        } catch {
            #expect("\(error)".contains("cannot listen on 127.0.0.1:\(occupant.port) (--plain-http-port): the address is in use"), "\(error)")
        }
    }
}
