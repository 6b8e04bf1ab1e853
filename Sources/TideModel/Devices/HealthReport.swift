import Foundation

/// A device's answer to `GET /health`, with when it was received.
public struct HealthReport: Sendable, Codable, Equatable {
    /// Fraction of CPU in use, 0...1.
    public var cpuUsage: Double
    /// Fraction of memory in use, 0...1.
    public var memoryUsage: Double
    public var receivedAt: Date

    public init(cpuUsage: Double, memoryUsage: Double, receivedAt: Date) {
        self.cpuUsage = cpuUsage
        self.memoryUsage = memoryUsage
        self.receivedAt = receivedAt
    }
}
