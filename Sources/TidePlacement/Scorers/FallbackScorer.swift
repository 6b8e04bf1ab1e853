import TideModel

/// `on-failure: {fallback: [...]}`: the listed devices in order of preference.
public struct FallbackScorer: DeviceScorer {
    public var weight: Double

    public init(weight: Double = 2) { self.weight = weight }
    public var name: String { "fallback" }

    public func weight(for step: StepContext) -> Double {
        guard case .fallback(let devices) = step.step.failurePolicy, !devices.isEmpty else { return 0 }
        return weight
    }

    public func score(_ device: Int, for step: StepContext, in fleet: FleetIndex) -> Double {
        guard case .fallback(let devices) = step.step.failurePolicy,
            let rank = devices.firstIndex(of: fleet.devices[device].id)
        else { return 0 }
        return 1 - Double(rank) / Double(devices.count)
    }

    public func explain(_ device: Int, for step: StepContext, in fleet: FleetIndex) -> String {
        guard case .fallback(let devices) = step.step.failurePolicy,
            let rank = devices.firstIndex(of: fleet.devices[device].id)
        else { return "not a fallback device" }
        return "fallback choice \(rank + 1) of \(devices.count)"
    }
}
