import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
@testable import TideTesting
#endif

/// A server stopped while connections keep arriving must end cleanly: cancelling its serving task
/// outright could drop a connection NIO had accepted but not handed over, which traps
/// (swift-nio #3481); the server shuts down gracefully instead.
@Suite("Stopping a server under connections", .serialized, .stopsWhatItStarts)
struct ServerStopTests {
    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .relaxed) }
        func set() { value.store(true, ordering: .relaxed) }
    }

    /// Opens and closes TCP connections to `port` on a thread of its own until `stop` is set.
    private static func hammer(port: Int, until stop: Flag) {
        while !stop.isSet {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            let request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            close(fd)
        }
    }

    @Test("stopping a server while clients keep connecting ends it, every time, within seconds")
    func stopWhileConnecting() async throws {
        for _ in 0..<8 {
            let server = try await TestServer.start()
            let stop = Flag()
            let port = server.port
            let done = Flag()
            let thread = Thread { Self.hammer(port: port, until: stop); done.set() }
            thread.start()
            try await Task.sleep(for: .milliseconds(100))
            let started = ContinuousClock.now
            await server.stop()
            #expect(ContinuousClock.now - started < .seconds(20))
            stop.set()
            while !done.isSet { try await Task.sleep(for: .milliseconds(10)) }
        }
    }
}
