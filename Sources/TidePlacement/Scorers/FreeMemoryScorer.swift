import TideModel

/// Free memory, against the device with the most of it.
public struct FreeMemoryScorer: DeviceScorer {
    public var weight: Double

    public init(weight: Double = 0.5) { self.weight = weight }
    public var name: String { "free-memory" }

    public func weight(for step: StepContext) -> Double { weight }
    public var dependsOnStep: Bool { false }

    public func score(_ device: Int, for step: StepContext, in fleet: FleetIndex) -> Double {
        guard fleet.largestFreeMemory > 0 else { return 0 }
        return Double(fleet.freeMemoryBytes[device]) / Double(fleet.largestFreeMemory)
    }

    public func explain(_ device: Int, for step: StepContext, in fleet: FleetIndex) -> String {
        "\(ByteCount.format(fleet.devices[device].freeMemoryBytes)) free of the fleet's largest \(ByteCount.format(fleet.largestFreeMemory))"
    }
}
