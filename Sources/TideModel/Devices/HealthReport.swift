import Foundation

/// A device's answer to `GET /health`, with when it was received.
public struct HealthReport: Sendable, Codable, Equatable {
    /// Fraction of CPU in use, 0...1.
    public var cpuUsage: Double
    /// Fraction of memory in use, 0...1.
    public var memoryUsage: Double
    public var receivedAt: Date
    /// What a Tide supervisor's heartbeat said it runs (deployment -> generation), kept with its
    /// health so that the replica that leads sees heartbeats another replica received.
    public var deployments: [String: Int64]?

    public init(cpuUsage: Double, memoryUsage: Double, receivedAt: Date, deployments: [String: Int64]? = nil) {
        self.cpuUsage = cpuUsage
        self.memoryUsage = memoryUsage
        self.receivedAt = receivedAt
        self.deployments = deployments
    }
}
