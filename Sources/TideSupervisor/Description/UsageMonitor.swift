import Foundation
import TideModel

/// CPU and memory usage for `/health` and heartbeats. CPU usage is the busy share of all CPU time
/// between two readings of /proc/stat at least `minimumWindow` apart; memory usage is
/// 1 - MemAvailable/MemTotal, or with a simulated memory size, this process's resident memory
/// against that size.
public actor UsageMonitor {
    private let simulatedMemoryBytes: UInt64?
    private let minimumWindow: Duration
    private var previous: (times: ProcFiles.CPUTimes, at: ContinuousClock.Instant)?
    private var lastCPU: Double = 0

    public init(simulatedMemoryBytes: UInt64?, minimumWindow: Duration = .milliseconds(200)) {
        self.simulatedMemoryBytes = simulatedMemoryBytes
        self.minimumWindow = minimumWindow
        previous = ProcFiles.read("/proc/stat").flatMap(ProcFiles.parseStat).map { ($0, ContinuousClock.now) }
    }

    /// Both values always within 0...1, whatever /proc says.
    public func health() -> Heartbeat.Health {
        Heartbeat.Health(cpuUsage: Self.share(cpuUsage()), memoryUsage: Self.share(memoryUsage()))
    }

    /// `value` within 0...1; anything not finite is 0.
    public static func share(_ value: Double) -> Double {
        value.isFinite ? min(1, max(0, value)) : 0
    }

    private func cpuUsage() -> Double {
        let now = ContinuousClock.now
        guard let times = ProcFiles.read("/proc/stat").flatMap(ProcFiles.parseStat) else { return lastCPU }
        guard let previous else {
            self.previous = (times, now)
            return lastCPU
        }
        if now - previous.at >= minimumWindow {
            lastCPU = ProcFiles.cpuUsage(from: previous.times, to: times)
            self.previous = (times, now)
        }
        return lastCPU
    }

    private func memoryUsage() -> Double {
        if let simulatedMemoryBytes, simulatedMemoryBytes > 0 {
            return min(1, Double(Self.residentBytes()) / Double(simulatedMemoryBytes))
        }
        guard let info = ProcFiles.read("/proc/meminfo").flatMap(ProcFiles.parseMeminfo), info.totalBytes > 0 else { return 0 }
        return min(1, max(0, 1 - Double(info.availableBytes) / Double(info.totalBytes)))
    }

    /// This process's resident set, from /proc/self/statm.
    public static func residentBytes() -> UInt64 {
        guard let text = ProcFiles.read("/proc/self/statm") else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = UInt64(fields[1]) else { return 0 }
        return pages * UInt64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
