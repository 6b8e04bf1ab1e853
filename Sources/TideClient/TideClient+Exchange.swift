import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TideModel

extension TideClient {
    func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, body: (some Encodable)? = Optional<Int>.none, as type: Response.Type,
        timeout: Duration? = nil
    ) async throws(ClientError) -> Response {
        let data: Data?
        do {
            data = try body.map { try TideJSON.encoder().encode($0) }
        } catch {
            throw ClientError(status: nil, code: nil, message: "cannot encode the request: \(error)")
        }
        let answer = try await exchange(method, path, body: data, timeout: timeout)
        return try decode(Response.self, answer, what: "\(method) \(path)")
    }

    func decode<Response: Decodable>(_ type: Response.Type, _ answer: Data, what: String) throws(ClientError) -> Response {
        do {
            return try TideJSON.decoder().decode(Response.self, from: answer)
        } catch {
            throw ClientError(
                status: nil, code: nil,
                message: "the server at \(baseURL) answered \(what) with an unexpected body: \(TideJSON.describe(error))")
        }
    }

    /// Sends the request to the current server, and to the next ones while `ServerFailover` allows.
    /// While no replica leads (every one answered 503 `no_leader`: the request was carried out
    /// nowhere), asks again every half second for up to `noLeaderPatience`, the time a lease takes
    /// to move to a live replica.
    func exchange(
        _ method: HTTPMethod, _ path: String, body: Data?, contentType: String = "application/json", timeout: Duration? = nil
    ) async throws(ClientError) -> Data {
        let deadline = ContinuousClock.now + noLeaderPatience
        while true {
            do {
                return try await exchangeRound(method, path, body: body, contentType: contentType, timeout: timeout)
            } catch {
                guard error.code == "no_leader", ContinuousClock.now + Self.noLeaderRetryInterval < deadline, !Task.isCancelled else {
                    throw error
                }
            }
            try? await Task.sleep(for: Self.noLeaderRetryInterval)
        }
    }

    static let noLeaderRetryInterval: Duration = .milliseconds(500)

    /// One pass over the servers.
    private func exchangeRound(
        _ method: HTTPMethod, _ path: String, body: Data?, contentType: String, timeout: Duration?
    ) async throws(ClientError) -> Data {
        let order = rotation.attemptOrder()
        var tried: [(url: String, reason: String)] = []
        for (position, server) in order.enumerated() {
            let more = position < order.count - 1
            switch await attempt(method, server.url + path, body: body, contentType: contentType, timeout: timeout ?? self.timeout) {
            case .answered(let status, let data) where (200..<300).contains(status.code):
                rotation.settle(on: server.index)
                return data
            case .answered(let status, let data):
                let refusal = Self.failure(status: status, body: data)
                guard ServerFailover.unavailableStatuses.contains(Int(status.code)) else {
                    // A real answer: this server serves, and another would answer the same.
                    rotation.settle(on: server.index)
                    throw refusal
                }
                tried.append((server.url, "HTTP \(status.code): \(refusal.message)"))
                let retries = ServerFailover.triesNextServer(method: method.rawValue, after: .answered(status: Int(status.code)))
                if more, retries { continue }
                guard retries, tried.count > 1 else { throw refusal }
                throw ClientError(status: refusal.status, code: refusal.code, message: Self.noServerMessage(method, path, tried))
            case .tooLarge:
                rotation.settle(on: server.index)
                throw ClientError(
                    status: nil, code: nil,
                    message: "the server at \(server.url) answered \(method) \(path) with more than \(Self.maxAnswerBytes >> 20) MiB")
            case .failed(let error):
                tried.append((server.url, Self.describe(error)))
                if Task.isCancelled {
                    // Ctrl-C, or a follow that ended: not the server's failure.
                    throw ClientError(status: nil, code: nil, message: "\(method) \(path) to \(server.url) was cancelled")
                }
                let retries = ServerFailover.triesNextServer(method: method.rawValue, after: ServerFailover.Failure(error))
                if more, retries { continue }
                guard order.count > 1 else {
                    throw ClientError(
                        status: nil, code: nil,
                        message: "cannot reach the Tide server at \(server.url): \(tried[0].reason) (is `tide server` running? set --server or TIDE_SERVER)")
                }
                guard retries else { throw ClientError(status: nil, code: nil, message: Self.notRepeatedMessage(method, path, tried)) }
                throw ClientError(status: nil, code: nil, message: Self.noServerMessage(method, path, tried))
            }
        }
        throw ClientError(status: nil, code: nil, message: Self.noServerMessage(method, path, tried))
    }

    /// Every server was tried and none could answer.
    static func noServerMessage(_ method: HTTPMethod, _ path: String, _ tried: [(url: String, reason: String)]) -> String {
        let reasons = tried.map { "\($0.url): \($0.reason)" }.joined(separator: "; ")
        return "no Tide server could answer \(method) \(path); tried \(reasons) (are the servers running? list every one with --server URL[,URL...] or TIDE_SERVER)"
    }

    /// The last server tried may have received the request and carried it out: it must not run twice.
    static func notRepeatedMessage(_ method: HTTPMethod, _ path: String, _ tried: [(url: String, reason: String)]) -> String {
        guard let last = tried.last else { return "\(method) \(path) failed" }
        let before = tried.dropLast().map { "\($0.url): \($0.reason)" }.joined(separator: "; ")
        return "the Tide server at \(last.url) gave no answer to \(method) \(path) (\(last.reason)); it may have carried it out, so it was not sent to another server: check the outcome before repeating it"
            + (before.isEmpty ? "" : " (tried before: \(before))")
    }

    /// The largest answer read.
    static let maxAnswerBytes = 256 << 20

    enum Attempt {
        case answered(HTTPResponseStatus, Data)
        case tooLarge
        case failed(any Error)
    }

    /// One request to one server.
    private func attempt(_ method: HTTPMethod, _ url: String, body: Data?, contentType: String, timeout: Duration) async -> Attempt {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(timeout.inNanoseconds))
            let answer = try await response.body.collect(upTo: Self.maxAnswerBytes)
            return .answered(response.status, Data(answer.readableBytesView))
        } catch is NIOTooManyBytesError {
            return .tooLarge
        } catch {
            return .failed(error)
        }
    }

    static func failure(status: HTTPResponseStatus, body: Data) -> ClientError {
        guard let error = try? JSONDecoder().decode(APIErrorBody.self, from: body).error else {
            return ClientError(status: Int(status.code), code: nil, message: "the server answered HTTP \(status.code) \(status.reasonPhrase)")
        }
        var message = error.message
        if status == .unauthorized {
            message += " (pass --token, set TIDE_TOKEN, or run where the server's data directory holds operator.token)"
        }
        return ClientError(status: Int(status.code), code: error.code, message: message)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError, error == .deadlineExceeded { return "no answer in time" }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") {
            return "the server's certificate is not signed by the CA this client trusts: give the fleet CA (the server's <data-dir>/tls/ca.pem) with --ca-cert or TIDE_CA_CERT, and compare its fingerprint with the one the server logs"
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("wrong version number") {
            return "the server does not speak TLS there: it was started with --insecure-http, so use an http:// URL"
        }
        if let error = error as? HTTPClientError, error == .remoteConnectionClosed {
            return "the server closed the connection without an answer (a server that serves HTTPS does that to http://; use https://)"
        }
        return text
    }

    /// `text` as one path segment.
    func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", "?", "&", "="])) ?? text
    }

    /// A query value: also `+`, which servers may read as a space.
    func queryEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", "?", "&", "=", "+"])) ?? text
    }
}

