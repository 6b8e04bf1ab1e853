/// Where a device stands in failure detection.
public enum DeviceStatus: String, Sendable, Codable, CaseIterable, Comparable {
    case alive
    case suspect
    case dead

    private var rank: Int {
        switch self {
        case .alive: 0
        case .suspect: 1
        case .dead: 2
        }
    }

    public static func < (lhs: DeviceStatus, rhs: DeviceStatus) -> Bool { lhs.rank < rhs.rank }
}
