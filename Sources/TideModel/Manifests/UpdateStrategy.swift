/// How an update of a running deployment reaches its devices (the manifest's `update` block):
/// a few devices at a time, an optional canary stage checked first, and a revert to the
/// generation that ran when a stage fails. Without it an update is pushed to every device at once.
public struct UpdateStrategy: Sendable, Codable, Equatable {
    /// Devices whose node changes, updated at once in each stage after the canary.
    public var maxParallel: RolloutShare
    /// Devices updated first, alone, and checked before the rest (`.count(0)`: no canary).
    public var canary: RolloutShare
    /// After a canary passes, go on by itself (true) or wait for `tide deploy resume`.
    public var autoPromote: Bool
    /// Seconds each stage's devices must stay alive (and within the error rate) before the next.
    public var minHealthySeconds: Double
    /// On a failed stage, revert every device to the generation that ran (true), or pause the
    /// rollout where it stands for the operator (false).
    public var autoRevert: Bool
    /// What a stage must pass besides its devices taking the node and staying alive.
    public var check: RolloutCheck

    public static let defaultMaxParallel = RolloutShare.count(1)
    public static let defaultMinHealthySeconds = 10.0

    public init(
        maxParallel: RolloutShare = UpdateStrategy.defaultMaxParallel, canary: RolloutShare = .count(0),
        autoPromote: Bool = true, minHealthySeconds: Double = UpdateStrategy.defaultMinHealthySeconds,
        autoRevert: Bool = true, check: RolloutCheck = RolloutCheck()
    ) {
        self.maxParallel = maxParallel
        self.canary = canary
        self.autoPromote = autoPromote
        self.minHealthySeconds = minHealthySeconds
        self.autoRevert = autoRevert
        self.check = check
    }
}

/// A number of devices, or a percentage of those a rollout updates.
public enum RolloutShare: Sendable, Codable, Equatable, CustomStringConvertible {
    case count(Int)
    /// 0 < percent <= 100.
    case percent(Double)

    /// How many of `total` devices: a percentage rounds up, so any positive share is at least one.
    public func of(_ total: Int) -> Int {
        switch self {
        case .count(let count): min(count, total)
        case .percent(let percent): min(total, Int((Double(total) * percent / 100).rounded(.up)))
        }
    }

    public var description: String {
        switch self {
        case .count(let count): "\(count)"
        case .percent(let percent): percent == percent.rounded() ? "\(Int(percent))%" : "\(percent)%"
        }
    }

    /// `3`, `10%`, `12.5%`.
    public static func parse(_ text: String, allowZero: Bool) -> RolloutShare? {
        if text.hasSuffix("%") {
            guard let percent = Double(text.dropLast()), percent.isFinite, percent > 0 || (allowZero && percent == 0), percent <= 100
            else { return nil }
            return .percent(percent)
        }
        guard let count = Int(text), count > 0 || (allowZero && count == 0), count <= 1_000_000 else { return nil }
        return .count(count)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let share = RolloutShare.parse(text, allowZero: true) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a count or a percentage"))
        }
        self = share
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The health checks of a rollout stage beyond "the node was taken and the device stays alive".
public struct RolloutCheck: Sendable, Codable, Equatable {
    /// Inputs of a probe run of the whole pipeline after each stage's push; it must succeed.
    public var run: [String: JSONValue]?
    /// Most failed calls, as a fraction of all calls the stage's devices served for this deployment
    /// since their push (read from their request history), before the stage fails.
    public var maxErrorRate: Double?

    public init(run: [String: JSONValue]? = nil, maxErrorRate: Double? = nil) {
        self.run = run
        self.maxErrorRate = maxErrorRate
    }
}
