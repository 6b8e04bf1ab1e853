import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP exchange on 127.0.0.1, for what HTTP clients hide: sends `request`, reads one whole
/// response (headers and a `Content-Length` body), then watches the connection for `linger` to see
/// whether the server closes it.
enum RawConnection {
    struct Outcome {
        var response: String
        /// The server closed the connection (read returned 0) before `linger` passed.
        var closedByServer: Bool
    }

    /// Runs on a thread of its own: blocking reads on the concurrency pool would starve the
    /// in-process server the test talks to. `timeout` bounds the wait for the response (generous,
    /// for a loaded machine); `linger` is how long the connection is watched after it.
    static func exchange(
        port: Int, _ request: String, timeout: Duration = .seconds(20), linger: Duration = .seconds(10)
    ) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    try blockingExchange(port: port, request, timeout: timeout, linger: linger)
                })
            }
        }
    }

    private static func blockingExchange(port: Int, _ request: String, timeout: Duration, linger: Duration) throws -> Outcome {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw POSIXError(.EIO) }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var wait = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(socketFD, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var deadline = ContinuousClock.now + timeout
        var complete = false
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(socketFD, $0.baseAddress, $0.count, 0) }
            if count == 0 { return Outcome(response: String(decoding: received, as: UTF8.self), closedByServer: true) }
            if count > 0 { received += buffer[0..<count] }
            if !complete, isCompleteResponse(received) {
                complete = true
                deadline = ContinuousClock.now + linger
            }
        }
        return Outcome(response: String(decoding: received, as: UTF8.self), closedByServer: false)
    }

    /// Headers ended and, when `Content-Length` is given, that many body bytes are in.
    static func isCompleteResponse(_ bytes: [UInt8]) -> Bool {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4,
            let end = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<($0 + 4)]) == separator })
        else { return false }
        let head = String(decoding: bytes[0..<end], as: UTF8.self).lowercased()
        let length = head.split(separator: "\r\n")
            .first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return bytes.count - (end + 4) >= length
    }
}
