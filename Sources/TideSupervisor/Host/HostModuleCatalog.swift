import Logging

/// Every host module the supervisor knows, in one list. Each factory returns nil when the
/// device's profile lacks the peripheral, so the device offers only what it has.
public enum HostModuleCatalog {
    public typealias Factory = @Sendable (DeviceProfile, Logger) -> (any HostModule)?

    public static let factories: [Factory] = [
        { _, logger in SysModule(logger: logger) },
        { profile, _ in SensorModule(profile: profile) },
        { profile, _ in CameraModule(profile: profile) },
    ]

    public static func modules(for profile: DeviceProfile, logger: Logger) -> [any HostModule] {
        factories.compactMap { $0(profile, logger) }
    }
}
