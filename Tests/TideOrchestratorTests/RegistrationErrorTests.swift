import Foundation
import Testing
import TideModel
import TideStore
@testable import TideTesting

/// Every bad registration: a clear error, and nothing written.
@Suite("Registration errors", .stopsWhatItStarts)
struct RegistrationErrorTests {
    /// Asserts the answer and that the database holds exactly what it held before.
    func expectRejected(
        _ server: TestServer, body: String, status: Int, code: String, message: String,
        path: String = "/api/v1/devices", sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let store = try server.store()
        let devicesBefore = try store.allDevices()
        let eventsBefore = try store.events()
        let answer = try await server.request(.POST, path, body: body)
        #expect(answer.status == status, sourceLocation: sourceLocation)
        let error = errorOf(answer.body)
        #expect(error?.code == code, sourceLocation: sourceLocation)
        #expect(error?.message == message, sourceLocation: sourceLocation)
        #expect(try store.allDevices() == devicesBefore, sourceLocation: sourceLocation)
        #expect(try store.events() == eventsBefore, sourceLocation: sourceLocation)
        #expect(try await server.client.devices() == devicesBefore, sourceLocation: sourceLocation)
    }

    @Test("unreachable device: 502, nothing stored")
    func unreachable() async throws {
        let server = try await TestServer.start()
        let closed = try await FakeDevice.start()
        let address = closed.address
        await closed.stop()
        try await expectRejected(
            server, body: #"{"address": "\#(address)"}"#, status: 502, code: "device_unusable",
            message: "cannot register \(address): \(address) refused the connection (nothing listens there)")
    }

    @Test("non-JSON description: 502, nothing stored")
    func notJSON() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start(.notJSON)
        try await expectRejected(
            server, body: #"{"address": "\#(device.address)"}"#, status: 502, code: "device_unusable",
            message: "cannot register \(device.address): \(device.address) answered GET /.well-known/wasmiot-device-description with something that is not JSON: \"<html>hello</html>\"")
    }

    @Test("description missing fields: 502, nothing stored")
    func missingFields() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start(.missingMemory)
        try await expectRejected(
            server, body: #"{"address": "\#(device.address)"}"#, status: 502, code: "device_unusable",
            message: "cannot register \(device.address): \(device.address) answered /.well-known/wasmiot-device-description with an invalid description: missing field platform.memory.bytes")
    }

    @Test("health missing fields: 502, nothing stored")
    func healthMissingFields() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start(.healthMissingFields)
        try await expectRejected(
            server, body: #"{"address": "\#(device.address)"}"#, status: 502, code: "device_unusable",
            message: "cannot register \(device.address): \(device.address) answered /health with an invalid report: health report is missing field memoryUsage")
    }

    @Test("device answering HTTP 500: 502, nothing stored")
    func serverError() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start(.failing(status: 500))
        try await expectRejected(
            server, body: #"{"address": "\#(device.address)"}"#, status: 502, code: "device_unusable",
            message: "cannot register \(device.address): \(device.address) answered GET /.well-known/wasmiot-device-description with HTTP 500 Internal Server Error")
    }

    @Test("hanging device: 502 after the timeout, nothing stored")
    func hanging() async throws {
        let server = try await TestServer.start(registrationTimeout: .seconds(1))
        let device = try await FakeDevice.start(.hanging)
        try await expectRejected(
            server, body: #"{"address": "\#(device.address)"}"#, status: 502, code: "device_unusable",
            message: "cannot register \(device.address): \(device.address) did not answer GET /.well-known/wasmiot-device-description within 1 s")
    }

    @Test("invalid JSON, missing and mistyped fields, bad addresses: 400")
    func badRequests() async throws {
        let server = try await TestServer.start()
        try await expectRejected(
            server, body: "{\"address\":\n  nope}", status: 400, code: "bad_request",
            message: "invalid JSON: unexpected character at line 2, column 4")
        try await expectRejected(server, body: #"{"name": "x"}"#, status: 400, code: "bad_request", message: "missing field address")
        try await expectRejected(
            server, body: #"{"address": 5}"#, status: 400, code: "bad_request", message: "wrong type at address: expected a string")
        try await expectRejected(
            server, body: #"{"address": "127.0.0.1"}"#, status: 400, code: "bad_request",
            message: "invalid device address \"127.0.0.1\": the port is missing (host:port)")
        try await expectRejected(
            server, body: #"{"address": "127.0.0.1:99999"}"#, status: 400, code: "bad_request",
            message: "invalid device address \"127.0.0.1:99999\": \"99999\" is not a port number (1-65535)")
        try await expectRejected(
            server, body: #"{"address": "http://127.0.0.1:5000/"}"#, status: 400, code: "bad_request",
            message: "invalid device address \"http://127.0.0.1:5000/\": give host:port, not a URL")
        try await expectRejected(server, body: "", status: 400, code: "bad_request", message: "the request body is empty; send a JSON object")
    }

    @Test("oversized body: 413, nothing stored")
    func oversized() async throws {
        let server = try await TestServer.start(maxBodyBytes: 2048)
        let padding = String(repeating: "x", count: 4096)
        try await expectRejected(
            server, body: #"{"address": "127.0.0.1:1", "name": "\#(padding)"}"#, status: 413, code: "body_too_large",
            message: "the request body is larger than the limit of 2048 bytes")
        try await expectRejected(
            server, body: #"{"name": "\#(padding)", "host": "127.0.0.1", "port": 1}"#, status: 413, code: "body_too_large",
            message: "the request body is larger than the limit of 2048 bytes", path: "/file/device/discovery/register")
    }
}
