import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL
import TideModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ServerFailover.Failure {
    /// How far a request got before `error` ended it. Only errors that prove no connection was
    /// made count as `.notConnected`; anything unknown counts as a connection lost after sending.
    init(_ error: any Error) {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout, .socksHandshakeTimeout,
                .httpProxyHandshakeTimeout:
                self = .notConnected
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                self = .timedOut
            default:
                self = .connectionLost
            }
        case is NIOConnectionError, is SocketAddressError, is NIOSSLExtraError:
            self = .notConnected
        case let error as NIOSSLError:
            if case .handshakeFailed = error { self = .notConnected } else { self = .connectionLost }
        case let error as IOError:
            self = Self.refusedConnect.contains(error.errnoCode) ? .notConnected : .connectionLost
        case let error as ChannelError:
            if case .connectTimeout = error { self = .notConnected } else { self = .connectionLost }
        default:
            self = .connectionLost
        }
    }

    /// errno values of a `connect` that did not get through.
    private static let refusedConnect: Set<Int32> = [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL]
}
