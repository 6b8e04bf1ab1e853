import TideModel

/// A preference about two steps together: a link earns its weight when both steps share a device
/// (`together`) or when they don't. Links belong to the step that asked for them, and count in its
/// score.
public protocol AffinityScorer: Sendable {
    var name: String { get }
    func links(of step: StepContext) -> [AffinityLink]
    /// A short reason, given each link's other step and where that step runs.
    func explain(_ outcomes: [AffinityOutcome], device: DeviceID, for step: StepContext) -> String
    /// A link to every other step alike (spread), when the scorer has one: deployments of many
    /// steps count it per device instead of listing `links`, which would be quadratic. nil (the
    /// default): `links` says everything.
    func uniformLink(of step: StepContext) -> UniformLink?
    /// Explains a uniform link: `sharing` names the first of the `sharingCount` other steps on the
    /// same device.
    func explainUniform(sharing: [String], sharingCount: Int, device: DeviceID, for step: StepContext) -> String
}

extension AffinityScorer {
    public func uniformLink(of step: StepContext) -> UniformLink? { nil }

    public func explainUniform(sharing: [String], sharingCount: Int, device: DeviceID, for step: StepContext) -> String {
        "\(counted(sharingCount, "other step")) on \(device)"
    }
}

/// An `AffinityLink` to each other step of the deployment, with the same weight.
public struct UniformLink: Sendable, Equatable {
    /// Earned per other step that shares (`together`) or does not share the device.
    public var weight: Double
    public var together: Bool

    public init(weight: Double, together: Bool) {
        self.weight = weight
        self.together = together
    }
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
