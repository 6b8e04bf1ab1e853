/// The decision for one step: the chosen device, its score breakdown, and every rejected device.
public struct StepPlacement: Sendable, Codable, Equatable {
    public var step: String
    public var device: DeviceID
    /// Sum of `weight * score` over `breakdown`.
    public var score: Double
    public var breakdown: [ScoreComponent]
    /// Devices that failed a hard constraint, sorted by id; empty when rejections are not recorded.
    public var rejected: [DeviceRejection]
    /// How many devices were rejected in all, when `rejected` lists only the first of them; nil
    /// when it lists every one.
    public var rejectedCount: Int?
    /// True when a re-plan kept the step where it was.
    public var kept: Bool

    public init(
        step: String, device: DeviceID, score: Double, breakdown: [ScoreComponent], rejected: [DeviceRejection],
        kept: Bool = false
    ) {
        self.step = step
        self.device = device
        self.score = score
        self.breakdown = breakdown
        self.rejected = rejected
        self.kept = kept
    }
}
