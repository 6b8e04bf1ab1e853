import HTTPTypes
import HummingbirdCore
import NIOCore
import TideModel

extension Response {
    /// A JSON response from pre-encoded bytes.
    public static func jsonBytes(_ bytes: some Collection<UInt8>, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `value` encoded as Tide encodes JSON everywhere (`TideJSON`).
    public static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        jsonBytes(try TideJSON.encoder().encode(value), status: status)
    }
}
