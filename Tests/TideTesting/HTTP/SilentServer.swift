import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A TCP server on 127.0.0.1 that reads each request and closes the connection without a word:
/// a server that received a request and died before it answered. Keeps the request lines.
final class SilentServer: Sendable {
    let port: Int
    private let listener: Int32
    private let received = Mutex<[String]>([])
    private let stopped = Mutex(false)

    var base: String { "http://127.0.0.1:\(port)" }
    /// `METHOD /path HTTP/1.1` of every request received, in order.
    var requestLines: [String] { received.withLock { $0 } }

    private init(port: Int, listener: Int32) {
        self.port = port
        self.listener = listener
    }

    static func start() throws -> SilentServer {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        let server = SilentServer(port: Int(UInt16(bigEndian: address.sin_port)), listener: listener)
        Thread.detachNewThread { server.acceptLoop() }
        TestScope.adopt("a silent server on port \(server.port)") { server.stop() }
        return server
    }

    /// Idempotent: the test scope stops it again at the end of the test.
    func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while !stopped.withLock({ $0 }) {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            if let line = Self.readRequest(connection) { received.withLock { $0.append(line) } }
            close(connection)
        }
    }

    /// Reads the head and a `Content-Length` body (for a second at most); the request line.
    private static func readRequest(_ connection: Int32) -> String? {
        var wait = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
            let text = String(decoding: bytes, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<end.lowerBound].lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if text.utf8[end.upperBound...].count >= length { break }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(separator: "\r\n").first.map(String.init)
    }
}
