import Foundation
import Hummingbird
import TideHTTP
import TideModel

extension Request {
    /// The body decoded as `T`, or a 400 that says where the JSON is wrong, or a 413 past `limit` bytes.
    func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        try Self.decode(T.self, from: try await bodyData(limit: limit))
    }

    /// The body read by `plain` when it takes it (a fast path for the plainest JSON), else decoded
    /// as `decodeJSON` does.
    func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int, plain: (UnsafeRawBufferPointer) -> T?) async throws -> T {
        let body = try await collectBody(limit: limit)
        if let value = body.withUnsafeReadableBytes(plain) { return value }
        return try Self.decode(T.self, from: Data(body.readableBytesView))
    }

    private static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard !data.isEmpty else { throw APIError.badRequest("the request body is empty; send a JSON object") }
        do {
            return try TideJSON.decoder().decode(T.self, from: data)
        } catch {
            throw APIError.badRequest(TideJSON.describe(error, in: data))
        }
    }

    func bodyData(limit: Int) async throws(APIError) -> Data {
        Data(try await collectBody(limit: limit).readableBytesView)
    }

    /// A query parameter, or nil when absent or empty.
    func query(_ name: String) -> String? {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }
}
