extension Heartbeat {
    /// The most deployments one heartbeat may report.
    public static let maximumDeployments = 10_000
    /// The longest device name a heartbeat may carry.
    public static let maximumNameLength = 200

    /// Why the server must refuse this heartbeat, or nil when it is acceptable: health values are
    /// fractions in 0...1, and counts and lengths stay within their limits.
    public var problem: String? {
        for (field, value) in [("cpuUsage", health.cpuUsage), ("memoryUsage", health.memoryUsage)] {
            guard value.isFinite, (0...1).contains(value) else {
                return "health.\(field) must be a fraction from 0 to 1, not \(value)"
            }
        }
        if let name, name.isEmpty || name.count > Self.maximumNameLength {
            return "name must be 1-\(Self.maximumNameLength) characters"
        }
        if let deployments {
            guard deployments.count <= Self.maximumDeployments else {
                return "a heartbeat reports at most \(Self.maximumDeployments) deployments, not \(deployments.count)"
            }
            if let bad = deployments.first(where: { $0.id.isEmpty || $0.id.count > 255 || $0.generation < 0 }) {
                return "deployment \"\(bad.id.prefix(64))\" must have a name of 1-255 characters and a generation of 0 or more"
            }
        }
        return nil
    }
}
