import HTTPTypes
import HummingbirdCore
import NIOCore

extension Response {
    /// A `GET /metrics` answer: the Prometheus text exposition format.
    public static func metrics(_ exposition: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: MetricsRegistry.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: exposition)))
    }
}
