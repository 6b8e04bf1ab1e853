import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import TideModel

/// Asks supervisors about themselves: the wasmiot description and health endpoints.
public struct DeviceProbe: Sendable {
    public static let descriptionPath = "/.well-known/wasmiot-device-description"
    public static let healthPath = "/health"
    static let maxAnswerBytes = 1 << 20

    let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    /// The description as received (parsed JSON) and what Tide reads from it.
    public func description(of endpoint: DeviceEndpoint, timeout: Duration) async throws(ProbeError)
        -> (raw: RawJSON, parsed: DeviceDescription)
    {
        let (bytes, json) = try await getJSON(endpoint, path: Self.descriptionPath, timeout: timeout)
        do {
            return (RawJSON(unchecked: bytes), try DeviceDescription(parsing: json))
        } catch {
            throw ProbeError(.badShape, "\(endpoint) answered \(Self.descriptionPath) with an invalid description: \(error.message)")
        }
    }

    public func health(of endpoint: DeviceEndpoint, timeout: Duration) async throws(ProbeError) -> HealthReport {
        let (_, json) = try await getJSON(endpoint, path: Self.healthPath, timeout: timeout)
        do {
            return try HealthReport(parsing: json, receivedAt: Date())
        } catch {
            throw ProbeError(.badShape, "\(endpoint) answered \(Self.healthPath) with an invalid report: \(error.message)")
        }
    }

    public func healthOutcome(of endpoint: DeviceEndpoint, timeout: Duration) async -> Result<HealthReport, ProbeError> {
        do throws(ProbeError) {
            return .success(try await health(of: endpoint, timeout: timeout))
        } catch {
            return .failure(error)
        }
    }

    func getJSON(_ endpoint: DeviceEndpoint, path: String, timeout: Duration) async throws(ProbeError)
        -> ([UInt8], JSONValue)
    {
        let url = endpoint.baseURL + path
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let body: ByteBuffer
        let status: HTTPResponseStatus
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(timeout.inNanoseconds))
            status = response.status
            body = try await response.body.collect(upTo: Self.maxAnswerBytes)
        } catch {
            throw Self.classify(error, endpoint: endpoint, request: "GET " + path, timeout: timeout)
        }
        guard status == .ok else {
            throw ProbeError(.httpStatus, "\(endpoint) answered GET \(path) with HTTP \(status.code) \(status.reasonPhrase)")
        }
        do {
            let bytes = Array(body.readableBytesView)
            return (bytes, try JSONDecoder().decode(JSONValue.self, from: Data(bytes)))
        } catch {
            let preview = String(decoding: body.readableBytesView.prefix(60), as: UTF8.self)
            throw ProbeError(.notJSON, "\(endpoint) answered GET \(path) with something that is not JSON: \"\(preview)\"")
        }
    }

    /// `request` is what was sent, as `GET /health`.
    static func classify(_ error: any Error, endpoint: DeviceEndpoint, request: String, timeout: Duration) -> ProbeError {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return ProbeError(.timeout, "\(endpoint) did not answer \(request) within \(timeout.secondsText)")
            case .remoteConnectionClosed:
                return ProbeError(.unreachable, "\(endpoint) closed the connection during \(request)")
            default:
                break
            }
        }
        if error is NIOTooManyBytesError {
            return ProbeError(.badShape, "\(endpoint) answered \(request) with more than \(maxAnswerBytes) bytes")
        }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first?.error as? IOError, first.errnoCode == ECONNREFUSED {
                return ProbeError(.refused, "\(endpoint) refused the connection (nothing listens there)")
            }
            return ProbeError(.unreachable, "cannot connect to \(endpoint): \(error)")
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
            return ProbeError(.refused, "\(endpoint) refused the connection (nothing listens there)")
        }
        return ProbeError(.unreachable, "cannot reach \(endpoint): \(error)")
    }
}

