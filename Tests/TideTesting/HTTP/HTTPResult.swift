import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A response as tests read it.
struct HTTPResult: Sendable {
    let status: Int
    let body: [UInt8]
    var headers: HTTPHeaders = [:]
    var text: String { String(decoding: body, as: UTF8.self) }
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw HarnessError("not a JSON object: \(text)")
        }
        return object
    }
}

/// The one way tests send an HTTP request (`HTTPProbe` and `TestServer.request` go through it).
func http(
    _ method: HTTPMethod, _ url: String, body: [UInt8]? = nil, headers: [(String, String)] = [],
    timeout: Duration = .seconds(60), client: HTTPClient = .shared
) async throws -> HTTPResult {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
    let response = try await client.execute(request, timeout: .init(timeout))
    let collected = try await response.body.collect(upTo: 64 << 20)
    return HTTPResult(status: Int(response.status.code), body: Array(collected.readableBytesView), headers: response.headers)
}

func json(_ object: Any) throws -> [UInt8] {
    [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
}

func multipart(_ files: [String: [UInt8]], boundary: String = "tide-test-boundary") -> ([UInt8], String) {
    var body: [UInt8] = []
    for (name, bytes) in files.sorted(by: { $0.key < $1.key }) {
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += bytes
        body += Array("\r\n".utf8)
    }
    body += Array("--\(boundary)--\r\n".utf8)
    return (body, "multipart/form-data; boundary=\(boundary)")
}

