import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import TideTLS
import TideClient

enum HTTPProbe {
    /// Only to see whether a process listens yet: takes any certificate.
    static let anyCertificate: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        configuration.tlsConfiguration = tls
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// A client that trusts only the CA in `caFile` (a server's `<data-dir>/tls/ca.pem`); lives
    /// until the test process ends.
    static func trusting(caFile: String) throws -> HTTPClient {
        TideClient.failFastHTTP(tls: try TLSCredentials.trustingClientConfiguration(trustFile: caFile))
    }

    static func answers(_ url: String) async -> Bool {
        guard let response = try? await anyCertificate.execute(HTTPClientRequest(url: url), timeout: .milliseconds(500)) else {
            return false
        }
        return response.status.code < 500
    }

    static func get(_ url: String, token: String? = nil, client: HTTPClient = .shared) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    static func post(
        _ url: String, json: String, contentType: String = "application/json", token: String? = nil, client: HTTPClient = .shared
    ) async throws -> (status: Int, body: String)
    {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await client.execute(request, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body))
    }
}
