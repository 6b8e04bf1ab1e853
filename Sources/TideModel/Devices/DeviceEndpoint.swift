/// A `host:port` pair where a device's supervisor answers HTTP, or HTTPS when `secure`.
/// Two endpoints are the same place when host and port are: `secure` is how to talk there.
public struct DeviceEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The supervisor serves HTTPS with a fleet certificate (an enrolled device).
    public var secure: Bool

    public init(host: String, port: Int, secure: Bool = false) {
        self.host = host
        self.port = port
        self.secure = secure
    }

    public static func == (lhs: DeviceEndpoint, rhs: DeviceEndpoint) -> Bool {
        lhs.host == rhs.host && lhs.port == rhs.port
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(host)
        hasher.combine(port)
    }

    /// Parses `host:port`, `[v6]:port` or a bare host (with `defaultPort`).
    public init(parsing text: String, defaultPort: Int? = nil) throws(DeviceEndpointError) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .init(text: text, reason: "the address is empty") }
        if trimmed.contains("/") { throw .init(text: text, reason: "give host:port, not a URL") }
        var host = trimmed
        var portText: Substring?
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { throw .init(text: text, reason: "missing \"]\"") }
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            let rest = trimmed[trimmed.index(after: close)...]
            if rest.hasPrefix(":") { portText = rest.dropFirst() } else if !rest.isEmpty {
                throw .init(text: text, reason: "unexpected \"\(rest)\" after \"]\"")
            }
        } else if let colon = trimmed.lastIndex(of: ":"), trimmed.firstIndex(of: ":") == colon {
            host = String(trimmed[..<colon])
            portText = trimmed[trimmed.index(after: colon)...]
        }
        guard !host.isEmpty else { throw .init(text: text, reason: "the host is empty") }
        let port: Int
        if let portText {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                throw .init(text: text, reason: "\"\(portText)\" is not a port number (1-65535)")
            }
            port = parsed
        } else if let defaultPort {
            port = defaultPort
        } else if host.contains(":") {
            throw .init(text: text, reason: "write an IPv6 address in brackets: [\(host)]:port")
        } else {
            throw .init(text: text, reason: "the port is missing (host:port)")
        }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The base URL of the supervisor at this endpoint.
    public var baseURL: String { (secure ? "https://" : "http://") + description }
}

public struct DeviceEndpointError: Error, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "invalid device address \"\(text)\": \(reason)" }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
