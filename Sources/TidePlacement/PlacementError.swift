import TideModel

/// Why a deployment cannot be placed.
public enum PlacementError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Steps no device can run, in manifest order.
    case unplaceable([UnplaceableStep])
    /// The request itself is inconsistent (an input or `near` naming no step, duplicate names).
    case invalidRequest(String)
    /// Stopped before it finished (see `PlacementCancellation`), with the reason.
    case cancelled(String)

    public var description: String {
        switch self {
        case .unplaceable(let steps): steps.map(\.description).joined(separator: "\n")
        case .invalidRequest(let message): "invalid placement request: \(message)"
        case .cancelled(let reason): reason
        }
    }
}

/// A step that every device rejects, with the reasons counted.
public struct UnplaceableStep: Sendable, Equatable, CustomStringConvertible {
    public var step: String
    /// Reasons with the number of devices each, most frequent first.
    public var reasons: [(reason: RejectionReason, count: Int)]

    public init(step: String, reasons: [(reason: RejectionReason, count: Int)]) {
        self.step = step
        self.reasons = reasons
    }

    /// Counts rejections by reason: most frequent first, then in filter order, then by text.
    public init(step: String, rejections: [DeviceRejection], filterOrder: [String]) {
        var counts: [RejectionReason: Int] = [:]
        var firstSeen: [RejectionReason] = []
        for rejection in rejections {
            if counts[rejection.reason] == nil { firstSeen.append(rejection.reason) }
            counts[rejection.reason, default: 0] += 1
        }
        let rank = { (reason: RejectionReason) in filterOrder.firstIndex(of: reason.filter) ?? filterOrder.count }
        let ordered = firstSeen.sorted { lhs, rhs in
            let (left, right) = (counts[lhs] ?? 0, counts[rhs] ?? 0)
            if left != right { return left > right }
            if rank(lhs) != rank(rhs) { return rank(lhs) < rank(rhs) }
            return lhs.singular < rhs.singular
        }
        self.init(step: step, reasons: ordered.map { ($0, counts[$0] ?? 0) })
    }

    /// `step capture cannot be placed: 4 devices lack camera.take_image, 2 are dead, 1 has 64 MiB < 256 MiB`.
    public var description: String {
        guard !reasons.isEmpty else { return "step \(step) cannot be placed: the fleet has no devices" }
        let parts = reasons.enumerated().map { position, entry in
            let phrase = entry.count == 1 ? entry.reason.singular : entry.reason.plural
            if position == 0 { return "\(entry.count) \(entry.count == 1 ? "device" : "devices") \(phrase)" }
            return "\(entry.count) \(phrase)"
        }
        return "step \(step) cannot be placed: " + parts.joined(separator: ", ")
    }

    public static func == (lhs: UnplaceableStep, rhs: UnplaceableStep) -> Bool {
        lhs.step == rhs.step && lhs.reasons.map(\.reason) == rhs.reasons.map(\.reason)
            && lhs.reasons.map(\.count) == rhs.reasons.map(\.count)
    }
}
