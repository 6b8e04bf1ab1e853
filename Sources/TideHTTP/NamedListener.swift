import Foundation
import NIOCore
import ServiceLifecycle

/// A server's listener as a service whose address cannot be bound says which one and why
/// (`cannot listen on 127.0.0.1:8080 (--port): the address is in use ...`), instead of the socket
/// call's own error, which names neither.
public struct NamedListener: Service {
    let base: any Service
    let host: String
    let port: Int
    /// The option that set the address, for the message.
    let option: String

    public init(_ base: any Service, host: String, port: Int, option: String) {
        self.base = base
        self.host = host
        self.port = port
        self.option = option
    }

    public func run() async throws {
        do {
            try await base.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE || error.errnoCode == EACCES || error.errnoCode == EADDRNOTAVAIL {
            throw ListenerError(message(errno: error.errnoCode))
        }
    }

    func message(errno: CInt) -> String {
        let address = "\(host.contains(":") ? "[\(host)]" : host):\(port)"
        switch errno {
        case EADDRINUSE:
            return "cannot listen on \(address) (\(option)): the address is in use; another process (another tide?) listens there, or pick another port"
        case EACCES:
            return "cannot listen on \(address) (\(option)): permission denied; ports below 1024 need root or CAP_NET_BIND_SERVICE"
        default:
            return "cannot listen on \(address) (\(option)): this machine has no such address"
        }
    }
}

/// A listener could not start.
public struct ListenerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
