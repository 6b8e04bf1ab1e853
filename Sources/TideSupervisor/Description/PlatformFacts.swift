import Foundation

/// Memory, CPU and architecture as the description reports them: the profile's simulated values
/// where it gives them, otherwise what /proc says.
public struct PlatformFacts: Sendable, Equatable {
    public var memoryBytes: UInt64
    public var cpuName: String
    public var cpuClockHz: UInt64
    public var arch: String
    public var memorySimulated: Bool

    public static func detect(profile: DeviceProfile) -> PlatformFacts {
        let memory = ProcFiles.read("/proc/meminfo").flatMap(ProcFiles.parseMeminfo)
        let cpu: (name: String?, clockHz: UInt64?) = ProcFiles.read("/proc/cpuinfo").map(ProcFiles.parseCPUInfo) ?? (nil, nil)
        return PlatformFacts(
            memoryBytes: profile.simulatedMemoryBytes ?? memory?.totalBytes ?? 0,
            cpuName: profile.simulatedCPUName ?? cpu.name ?? "unknown",
            cpuClockHz: profile.simulatedCPUClockHz ?? cpu.clockHz ?? 0,
            arch: profile.simulatedArch ?? hostArch,
            memorySimulated: profile.simulatedMemoryBytes != nil)
    }

    public static var hostArch: String {
        #if arch(x86_64)
            "x86_64"
        #elseif arch(arm64)
            "aarch64"
        #elseif arch(arm)
            "armv7"
        #else
            "unknown"
        #endif
    }
}
