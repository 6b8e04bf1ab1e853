/// Soft preferences: they rank the devices that meet the constraints.
public struct StepPreferences: Sendable, Codable, Equatable {
    /// Steps to run on the same device as, besides the step's inputs.
    public var near: [String]
    /// Labels a device earns points for, one share per matching label.
    public var labels: [String: String]
    /// Rather run on a device that holds no other step of this deployment.
    public var spread: Bool
    /// Multiplies the weight of this step's preferences (co-location, labels, spread); default 1.
    public var weight: Double

    public init(near: [String] = [], labels: [String: String] = [:], spread: Bool = false, weight: Double = 1) {
        self.near = near
        self.labels = labels
        self.spread = spread
        self.weight = weight
    }
}
