import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP exchange on 127.0.0.1, for what HTTP clients hide: sends `request`, then reads
/// until the server closes the connection or `timeout` passes.
enum RawConnection {
    struct Outcome {
        var response: String
        /// The server closed the connection (read returned 0) before the timeout.
        var closedByServer: Bool
    }

    /// Runs on a thread of its own: blocking reads on the concurrency pool would starve the
    /// in-process server the test talks to.
    static func exchange(port: Int, _ request: String, timeout: Duration = .seconds(10)) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try blockingExchange(port: port, request, timeout: timeout) })
            }
        }
    }

    private static func blockingExchange(port: Int, _ request: String, timeout: Duration) throws -> Outcome {
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
        var wait = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(socketFD, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(socketFD, $0.baseAddress, $0.count, 0) }
            if count == 0 { return Outcome(response: String(decoding: received, as: UTF8.self), closedByServer: true) }
            if count > 0 { received += buffer[0..<count] }
        }
        return Outcome(response: String(decoding: received, as: UTF8.self), closedByServer: false)
    }
}
