import TideModel

/// A preference about two steps together: a link earns its weight when both steps share a device
/// (`together`) or when they don't. Links belong to the step that asked for them, and count in its
/// score.
public protocol AffinityScorer: Sendable {
    var name: String { get }
    func links(of step: StepContext) -> [AffinityLink]
    /// A short reason, given each link's other step and where that step runs.
    func explain(_ outcomes: [AffinityOutcome], device: DeviceID, for step: StepContext) -> String
}

public struct AffinityLink: Sendable, Equatable {
    /// Position of the other step in the request.
    public var other: Int
    public var weight: Double
    public var together: Bool

    public init(other: Int, weight: Double, together: Bool) {
        self.other = other
        self.weight = weight
        self.together = together
    }
}

public struct AffinityOutcome: Sendable, Equatable {
    public var link: AffinityLink
    public var otherStep: String
    public var otherDevice: DeviceID

    public var satisfied: Bool { link.together == (otherDevice == device) }
    let device: DeviceID

    init(link: AffinityLink, otherStep: String, otherDevice: DeviceID, device: DeviceID) {
        self.link = link
        self.otherStep = otherStep
        self.otherDevice = otherDevice
        self.device = device
    }
}
