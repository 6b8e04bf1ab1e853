import Foundation

/// What a Tide supervisor reports every second to `POST /file/device/heartbeat`.
public struct Heartbeat: Sendable, Codable, Equatable {
    public struct Health: Sendable, Codable, Equatable {
        public var cpuUsage: Double
        public var memoryUsage: Double
        public init(cpuUsage: Double, memoryUsage: Double) {
            self.cpuUsage = cpuUsage
            self.memoryUsage = memoryUsage
        }
    }

    public struct DeploymentState: Sendable, Codable, Equatable {
        public var id: String
        public var generation: Int
        public init(id: String, generation: Int) {
            self.id = id
            self.generation = generation
        }
    }

    public var id: DeviceID
    public var name: String?
    /// The supervisor's HTTP port, for registering a device the server does not know yet.
    public var port: Int?
    public var sentAt: Date?
    public var health: Health
    public var deployments: [DeploymentState]?

    public init(id: DeviceID, name: String?, port: Int?, sentAt: Date?, health: Health, deployments: [DeploymentState]?) {
        self.id = id
        self.name = name
        self.port = port
        self.sentAt = sentAt
        self.health = health
        self.deployments = deployments
    }
}

/// The answer to a heartbeat.
public struct HeartbeatAck: Sendable, Codable, Equatable {
    /// `known`, or `registered` when the heartbeat made the server register the device.
    public var status: String
    public var device: DeviceID
    /// For an enrolled device: the digest of the publisher keys the server hands out
    /// (`PublisherKeySet.digest`); a device holding another set fetches the new one.
    public var publisherKeys: String?
    /// With several replicas: the URL of the replica that watches this device. A supervisor that
    /// has it among its orchestrator URLs sends its heartbeats there, so that their silence is
    /// noticed where it is watched, without waiting for the shared store.
    public var watcher: String?
    public init(status: String, device: DeviceID, publisherKeys: String? = nil, watcher: String? = nil) {
        self.status = status
        self.device = device
        self.publisherKeys = publisherKeys
        self.watcher = watcher
    }
}

extension HeartbeatAck {
    /// The answer as JSON with sorted keys and absent fields left out, as `TideJSON`'s encoder
    /// writes it, without its cost: it is the answer a server sends most often.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter(capacity: 96 + (watcher?.utf8.count ?? 0) + (publisherKeys?.utf8.count ?? 0))
        writer.raw("{")
        writer.key("device")
        writer.string(device.rawValue)
        if let publisherKeys {
            writer.comma()
            writer.key("publisherKeys")
            writer.string(publisherKeys)
        }
        writer.comma()
        writer.key("status")
        writer.string(status)
        if let watcher {
            writer.comma()
            writer.key("watcher")
            writer.string(watcher)
        }
        writer.raw("}")
        return writer.bytes
    }
}
