import TideModel

/// What plugins see of the step being placed.
public struct StepContext: Sendable {
    public let request: PlacementRequest
    /// Position of the step in `request.steps`.
    public let index: Int
    /// Where the current plan runs this step, if anywhere.
    public let currentDevice: DeviceID?

    /// The step being placed, `request.steps[index]`.
    public let step: PlacementStep

    public init(request: PlacementRequest, index: Int, currentDevice: DeviceID? = nil) {
        self.request = request
        self.index = index
        self.currentDevice = currentDevice
        step = request.steps[index]
    }
}
