/// When a request that failed on one server of a `ServerURLList` is tried on the next one.
/// Nothing a server may have carried out is sent again: only a GET or HEAD is repeated once the
/// request may have left; any other method only when no connection was ever made.
public enum ServerFailover {
    /// How an attempt on one server failed.
    public enum Failure: Sendable, Equatable {
        /// No connection was made, so nothing was sent: refused, the name did not resolve, the TLS
        /// handshake failed, or connecting timed out.
        case notConnected
        /// The connection ended (reset, closed) before the whole answer arrived, after the request
        /// may have been sent.
        case connectionLost
        /// No answer in time once connected.
        case timedOut
        /// The server answered with this HTTP status (not a 2xx).
        case answered(status: Int)
    }

    /// Statuses that say this server cannot serve now, though another may: bad gateway, not
    /// ready (unavailable), gateway timeout.
    public static let unavailableStatuses: Set<Int> = [502, 503, 504]

    /// Whether a request with `method` that failed so is tried on the next server.
    public static func triesNextServer(method: String, after failure: Failure) -> Bool {
        switch failure {
        case .notConnected:
            true
        case .connectionLost, .timedOut:
            isRepeatable(method)
        case .answered(let status):
            isRepeatable(method) && unavailableStatuses.contains(status)
        }
    }

    /// GET and HEAD change nothing on the server, so sending one twice is harmless.
    public static func isRepeatable(_ method: String) -> Bool {
        let upper = method.uppercased()
        return upper == "GET" || upper == "HEAD"
    }
}
