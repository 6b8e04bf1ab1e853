import Foundation
import Synchronization

/// Ports for listeners a test starts on a port it names (child processes, `--plain-http-port`).
enum FreePort {
    /// Ports handed out by this process: two tests never get the same one.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port nothing listens on right now, below the kernel's ephemeral range. That range is what
    /// servers binding port 0 and every outgoing connection draw from: a port picked there and
    /// released was sometimes taken again (by another test's server, or as the source port of a
    /// connection) before its user bound it, and that server failed to start.
    static func pick() throws -> Int {
        let range = candidates
        for _ in 0..<500 {
            let port = Int.random(in: range)
            guard handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            if canBind(port) { return port }
        }
        throw HarnessError("no free port on 127.0.0.1 in \(range.lowerBound)-\(range.upperBound - 1)")
    }

    /// Below the ephemeral range (`ip_local_port_range`, 32768-60999 by default), at most 12,768 ports.
    private static var candidates: Range<Int> {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let low = text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32_768
        let top = low > 12_000 ? low : 65_536
        return max(10_000, top - 12_768)..<top
    }

    private static func canBind(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return bound == 0
    }
}
