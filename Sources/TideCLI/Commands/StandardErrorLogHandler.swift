import Foundation
import Logging

/// Log lines on standard error in the layout of swift-log's `StreamLogHandler`, with the time in
/// UTC to the millisecond: a failover takes a second or two, and the lines of several replicas
/// and supervisors are read side by side.
///
///     2026-12-06T04:08:17.123Z notice tide.server: [TideOrchestrator] device sim-00000 is dead; ...
struct StandardErrorLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level) {
        self.label = label
        logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let text = Self.line(time: Date(), level: event.level, label: label, metadata: merged, source: event.source, message: event.message)
        FileHandle.standardError.write(Data(text.utf8))
    }

    static let stampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    static func line(
        time: Date, level: Logger.Level, label: String, metadata: Logger.Metadata, source: String, message: Logger.Message
    ) -> String {
        let stamp = stampStyle.format(time)
        let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(stamp) \(level) \(label):\(fields.isEmpty ? "" : " " + fields) [\(source)] \(message)\n"
    }
}
