import Foundation
import Hummingbird
import NIOCore
import TideModel

extension Request {
    /// The body decoded as `T`, or a 400 that says where the JSON is wrong, or a 413 past `limit` bytes.
    func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        let data = try await bodyData(limit: limit)
        guard !data.isEmpty else { throw APIError.badRequest("the request body is empty; send a JSON object") }
        do {
            return try TideJSON.decoder().decode(T.self, from: data)
        } catch {
            throw APIError.badRequest(TideJSON.describe(error, in: data))
        }
    }

    func bodyData(limit: Int) async throws -> Data {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError.tooLarge(limit: limit)
        }
        do {
            let buffer = try await body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge(limit: limit)
        }
    }

    /// A query parameter, or nil when absent or empty.
    func query(_ name: String) -> String? {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }
}

