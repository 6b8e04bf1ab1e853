import Foundation
import Hummingbird
import NIOCore

/// Serves a stored blob with its digest as a strong ETag; `If-None-Match` answers 304.
enum BlobResponse {
    static func serve(path: String, digest: String, mediaType: String, request: Request) throws -> Response {
        let etag = "\"\(digest)\""
        var headers: HTTPFields = [.eTag: etag, .contentType: mediaType, .cacheControl: "public, max-age=31536000, immutable"]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) {
            return Response(status: .notModified, headers: headers)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw APIError.internalError("the stored file \(digest) is missing from the blob store")
        }
        headers[.contentLength] = String(data.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
