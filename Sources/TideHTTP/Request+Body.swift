import Hummingbird
import NIOCore

extension Request {
    /// The whole body, or a 413 `body_too_large` past `limit` bytes (told by `Content-Length`
    /// before anything is read, else once the limit is crossed).
    public func collectBody(limit: Int) async throws(APIError) -> ByteBuffer {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit { throw .tooLarge(limit: limit) }
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw .tooLarge(limit: limit)
        } catch {
            throw .badRequest("the request body could not be read: \(error)")
        }
    }

    /// `collectBody(limit:)` as bytes.
    public func bodyBytes(limit: Int) async throws(APIError) -> [UInt8] {
        Array(try await collectBody(limit: limit).readableBytesView)
    }
}
