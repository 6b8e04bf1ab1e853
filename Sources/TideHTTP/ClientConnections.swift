import NIOCore

/// What Tide's HTTP clients (AsyncHTTPClient) keep to.
public enum ClientConnections {
    /// How long an idle connection is kept for reuse: less than the servers'
    /// `HTTPServerBuilder.defaultIdleTimeout`, so that a client never sends a request on a
    /// connection the server is closing (AsyncHTTPClient keeps one for 60 s by default; on a busy
    /// machine the server's close reaches the client late, and the request is lost to a reset).
    public static let idleTimeout: TimeAmount = .seconds(20)
}
