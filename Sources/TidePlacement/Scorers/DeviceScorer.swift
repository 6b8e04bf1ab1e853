import TideModel

/// A soft preference about one device for one step (the Kubernetes Score extension point, a Nomad
/// ranker). Scores are in 0...1; the weight says how much the scorer counts for this step, and 0
/// leaves it out of the step's breakdown.
public protocol DeviceScorer: Sendable {
    var name: String { get }
    func weight(for step: StepContext) -> Double
    func score(_ device: Int, for step: StepContext, in fleet: FleetIndex) -> Double
    /// A short reason for the score, e.g. `cpu 20%, 3 steps placed`.
    func explain(_ device: Int, for step: StepContext, in fleet: FleetIndex) -> String
    /// False when `score` depends on the device alone, so that one pass over the fleet serves
    /// every step of a deployment. Default true.
    var dependsOnStep: Bool { get }
    /// Adds `weight * score` of every member of `devices` to `values[member]`. The default calls
    /// `score` per device; a scorer can do better with the fleet's indexes.
    func accumulate(
        _ weight: Double, for step: StepContext, devices: DeviceSet, in fleet: FleetIndex, into values: inout [Double])
}

extension DeviceScorer {
    public var dependsOnStep: Bool { true }

    public func accumulate(
        _ weight: Double, for step: StepContext, devices: DeviceSet, in fleet: FleetIndex, into values: inout [Double]
    ) {
        devices.forEach { values[$0] += weight * score($0, for: step, in: fleet) }
    }
}
