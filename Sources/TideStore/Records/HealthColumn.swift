import Foundation
import TideModel

extension DeviceRecord {
    /// The `health` column's JSON as `jsonText` writes it (GRDB's encoder: sorted keys, the time in
    /// milliseconds since 1970), without a `JSONEncoder`: every heartbeat writes one.
    package static func healthText(_ health: HealthReport) throws(StoreError) -> String {
        guard health.cpuUsage.isFinite, health.memoryUsage.isFinite else { return try jsonText(health, column: "health") }
        var writer = JSONWriter(capacity: 80)
        writer.raw("{")
        writer.key("cpuUsage")
        writer.number(health.cpuUsage)
        writer.comma()
        writer.key("memoryUsage")
        writer.number(health.memoryUsage)
        writer.comma()
        writer.key("receivedAt")
        writer.number(health.receivedAt.timeIntervalSince1970 * 1000)
        writer.raw("}")
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
