import Logging

/// A service to announce.
public struct ServiceDescription: Sendable, Hashable {
    /// The instance name; on a collision the publisher moves to an alternative ("name #2").
    public var name: String
    public var type: String
    public var port: UInt16
    /// TXT records as `key=value` strings (keys must be non-empty and free of `=`).
    public var txt: [String: String]
    /// `nil` for the default domain (`local`).
    public var domain: String?
    /// `nil` for this host.
    public var host: String?

    public init(
        name: String, type: String = ServiceBrowser.defaultServiceType, port: UInt16,
        txt: [String: String] = [:], domain: String? = nil, host: String? = nil
    ) {
        self.name = name
        self.type = type
        self.port = port
        self.txt = txt
        self.domain = domain
        self.host = host
    }
}

/// Publishes one service through the local avahi-daemon: handles name collisions, re-publishes
/// after a daemon restart and withdraws the service on ``stop()``.
public final class ServicePublisher: Sendable {
    public let service: ServiceDescription
    /// The event stream (one consumer). Finishes after ``stop()``.
    public let events: AsyncStream<PublisherEvent>
    private let engine: PublisherEngine

    public init(
        _ service: ServiceDescription,
        retryDelay: Duration = .seconds(1),
        logger: Logger = Logger(label: "tide.discovery.publisher")
    ) throws(DiscoveryError) {
        guard !service.name.isEmpty, service.name.utf8.count <= 63 else {
            throw .invalidService("name must have 1 to 63 bytes")
        }
        self.service = service
        let (stream, continuation) = AsyncStream.makeStream(of: PublisherEvent.self, bufferingPolicy: .unbounded)
        self.events = stream
        self.engine = try PublisherEngine(
            service: service, retryDelay: retryDelay, logger: logger, continuation: continuation
        )
    }

    /// Starts publishing on Avahi's own thread. Throws only when the event loop cannot be set up
    /// or when called twice; an absent daemon is reported as an event and retried.
    public func start() throws(DiscoveryError) {
        try engine.start()
    }

    /// The name the service is published under (differs from `service.name` after a collision).
    public var currentName: String { engine.currentName }

    /// Replaces the TXT records of the running publication.
    public func updateTXT(_ txt: [String: String]) throws(DiscoveryError) {
        let strings = try TXTRecord.encode(txt)
        engine.updateTXT(strings)
    }

    /// Withdraws the service (the daemon sends a goodbye), frees every Avahi object and finishes
    /// ``events``. Idempotent.
    public func stop() {
        engine.shutdown()
    }

    deinit {
        engine.shutdown()
    }
}
