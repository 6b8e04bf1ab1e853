import Foundation
import Hummingbird
import TideHTTP
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

    func bodyData(limit: Int) async throws(APIError) -> Data {
        Data(try await collectBody(limit: limit).readableBytesView)
    }

    /// A query parameter, or nil when absent or empty.
    func query(_ name: String) -> String? {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }
}
