import Foundation
import TideModel

enum Formatting {
    /// `512 MiB`, `2.0 GiB`.
    static func bytes(_ count: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 || value >= 100 || value.rounded() == value { return "\(Int(value.rounded())) \(units[unit])" }
        return String(format: "%.1f %@", value, units[unit])
    }

    /// `12s ago`, `5m ago`, `3h ago`, `2d ago`.
    static func ago(_ date: Date, now: Date = Date()) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<60: return "\(seconds)s ago"
        case ..<3600: return "\(seconds / 60)m ago"
        case ..<86400: return "\(seconds / 3600)h ago"
        default: return "\(seconds / 86400)d ago"
        }
    }

    static func hertz(_ hz: UInt64) -> String {
        hz >= 1_000_000_000 ? String(format: "%.2f GHz", Double(hz) / 1e9) : String(format: "%.0f MHz", Double(hz) / 1e6)
    }

}
