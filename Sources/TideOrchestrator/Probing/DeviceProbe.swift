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
    /// Devices served over plain HTTP that close every connection after answering (wasmiot's Flask
    /// supervisors): one new connection per request, without AsyncHTTPClient, whose pool has
    /// nothing to keep for them.
    let plain: PlainHTTPGet?
    /// The plain-HTTP devices last seen closing their connection after an answer.
    let closing = ClosingDevices()

    /// `client` reaches devices that serve HTTPS or keep connections open; the rest are asked on
    /// its event loops.
    public init(client: HTTPClient) {
        self.client = client
        plain = PlainHTTPGet(group: client.eventLoopGroup)
    }

    /// Every device asked through `client`: the reference of `tide-bench probes`.
    package init(everyDeviceThrough client: HTTPClient) {
        self.client = client
        plain = nil
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
        let (status, body) = try await get(endpoint, path: path, timeout: timeout)
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

    private func get(_ endpoint: DeviceEndpoint, path: String, timeout: Duration) async throws(ProbeError)
        -> (HTTPResponseStatus, ByteBuffer)
    {
        if let plain, !endpoint.secure, closing.contains(endpoint) {
            do throws(PlainHTTPGet.Failure) {
                let answer = try await plain.get(
                    host: endpoint.host, port: endpoint.port, path: path, timeout: timeout, maxBytes: Self.maxAnswerBytes)
                if answer.keepsConnection { closing.remove(endpoint) }
                return (answer.status, answer.body)
            } catch {
                throw Self.classify(error, endpoint: endpoint, request: "GET " + path, timeout: timeout)
            }
        }
        var request = HTTPClientRequest(url: endpoint.baseURL + path)
        request.headers.add(name: "Accept", value: "application/json")
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(timeout.inNanoseconds))
            if plain != nil, !endpoint.secure, !HTTPResponseHead(version: response.version, status: response.status, headers: response.headers).isKeepAlive {
                closing.insert(endpoint)
            }
            return (response.status, try await response.body.collect(upTo: Self.maxAnswerBytes))
        } catch {
            throw Self.classify(error, endpoint: endpoint, request: "GET " + path, timeout: timeout)
        }
    }

    /// As `classify` words AsyncHTTPClient's errors: the same failure reads the same either way.
    static func classify(_ failure: PlainHTTPGet.Failure, endpoint: DeviceEndpoint, request: String, timeout: Duration) -> ProbeError {
        let error: any Error
        switch failure {
        case .timeout: error = HTTPClientError.deadlineExceeded
        case .closedEarly: error = HTTPClientError.remoteConnectionClosed
        case .tooLarge: error = NIOTooManyBytesError(maxBytes: maxAnswerBytes)
        case .connect(let cause):
            if case ChannelError.connectTimeout = cause { error = HTTPClientError.connectTimeout } else { error = cause }
        case .connection(let cause): error = cause
        }
        return classify(error, endpoint: endpoint, request: request, timeout: timeout)
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

