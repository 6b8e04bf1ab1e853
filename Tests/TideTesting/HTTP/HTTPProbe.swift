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

    static func answers(_ url: String, timeout: TimeAmount = .milliseconds(500)) async -> Bool {
        guard let response = try? await anyCertificate.execute(HTTPClientRequest(url: url), timeout: timeout) else {
            return false
        }
        return response.status.code < 500
    }

    static func get(_ url: String, token: String? = nil, client: HTTPClient = .shared) async throws -> (status: Int, body: String) {
        let result = try await http(.GET, url, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [], timeout: .seconds(10), client: client)
        return (result.status, result.text)
    }

    static func post(
        _ url: String, json: String, contentType: String = "application/json", token: String? = nil, client: HTTPClient = .shared
    ) async throws -> (status: Int, body: String) {
        var headers = [("Content-Type", contentType)]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let result = try await http(.POST, url, body: Array(json.utf8), headers: headers, timeout: .seconds(20), client: client)
        return (result.status, result.text)
    }
}
