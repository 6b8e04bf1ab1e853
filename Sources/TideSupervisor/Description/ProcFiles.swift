import Foundation

/// Readings from /proc, parsed by pure functions so they can be tested on fixed text.
public enum ProcFiles {
    public struct MemoryInfo: Sendable, Equatable {
        public var totalBytes: UInt64
        public var availableBytes: UInt64
    }

    public struct CPUTimes: Sendable, Equatable {
        public var busy: UInt64
        public var total: UInt64
    }

    public static func parseMeminfo(_ text: String) -> MemoryInfo? {
        var total: UInt64?
        var available: UInt64?
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == ":" })
            guard fields.count >= 2, let kib = UInt64(fields[1]) else { continue }
            let (bytes, overflow) = kib.multipliedReportingOverflow(by: 1024)
            guard !overflow else { continue }
            if fields[0] == "MemTotal" { total = bytes }
            if fields[0] == "MemAvailable" { available = bytes }
        }
        guard let total else { return nil }
        return MemoryInfo(totalBytes: total, availableBytes: available ?? total)
    }

    /// The first `model name` (x86) or `Hardware`/`Model` line, and `cpu MHz` when present.
    public static func parseCPUInfo(_ text: String) -> (name: String?, clockHz: UInt64?) {
        var name: String?
        var clock: UInt64?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if name == nil, key == "model name" || key == "Hardware" || key == "Model" || key == "cpu model" { name = value }
            if clock == nil, key == "cpu MHz", let mhz = Double(value) { clock = UInt64(mhz * 1_000_000) }
        }
        return (name, clock)
    }

    /// The aggregate `cpu` line of /proc/stat: busy = total - idle - iowait; nil when the counters
    /// do not add up in 64 bits.
    public static func parseStat(_ text: String) -> CPUTimes? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let values = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard values.count >= 4 else { return nil }
        var total: UInt64 = 0
        for value in values.prefix(8) {
            let (sum, overflow) = total.addingReportingOverflow(value)
            guard !overflow else { return nil }
            total = sum
        }
        let idle = values[3] + (values.count > 4 ? values[4] : 0)
        return CPUTimes(busy: total - idle, total: total)
    }

    /// Reads to the end of the file. /proc files report a size of 0, and
    /// `FileManager.contents(atPath:)` stops after the first 4 KiB of them.
    public static func read(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    public static func cpuUsage(from old: CPUTimes, to new: CPUTimes) -> Double {
        guard new.total > old.total, new.busy >= old.busy else { return 0 }
        return min(1, max(0, Double(new.busy - old.busy) / Double(new.total - old.total)))
    }
}
