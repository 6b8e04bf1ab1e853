import Foundation
import TideYAML

/// A device profile (YAML): who the device says it is and, for simulation, what it has.
///
/// ```yaml
/// name: lobby-camera
/// labels: { zone: lobby }
/// peripherals:
///   - { name: cam0, kind: camera, simulated: true }
///   - { name: env0, kind: temperature-humidity, simulated: true }
/// simulation:
///   memory: 256MiB          # or a number of bytes
///   cpu: { name: "Simulated Cortex-A53", clockHz: 1200000000 }
///   arch: aarch64
/// ```
public struct DeviceProfile: Sendable, Equatable {
    public var name: String?
    public var labels: [String: String]
    public var peripherals: [Peripheral]
    public var simulatedMemoryBytes: UInt64?
    public var simulatedCPUName: String?
    public var simulatedCPUClockHz: UInt64?
    public var simulatedArch: String?

    public init(
        name: String? = nil, labels: [String: String] = [:], peripherals: [Peripheral] = [],
        simulatedMemoryBytes: UInt64? = nil, simulatedCPUName: String? = nil, simulatedCPUClockHz: UInt64? = nil,
        simulatedArch: String? = nil
    ) {
        self.name = name
        self.labels = labels
        self.peripherals = peripherals
        self.simulatedMemoryBytes = simulatedMemoryBytes
        self.simulatedCPUName = simulatedCPUName
        self.simulatedCPUClockHz = simulatedCPUClockHz
        self.simulatedArch = simulatedArch
    }

    public struct Peripheral: Sendable, Equatable, Codable {
        public var name: String
        public var kind: PeripheralKind
        public var simulated: Bool

        public init(name: String, kind: PeripheralKind, simulated: Bool = true) {
            self.name = name
            self.kind = kind
            self.simulated = simulated
        }
    }

    public enum PeripheralKind: String, Sendable, Equatable, Codable, CaseIterable {
        case camera
        case temperatureHumidity = "temperature-humidity"
    }

    public func has(_ kind: PeripheralKind) -> Bool { peripherals.contains { $0.kind == kind } }

    /// Reads and parses the profile at `path`; the error names the file and every problem in it.
    public static func load(path: String) throws(DeviceProfileError) -> DeviceProfile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DeviceProfileError(
                source: path, issues: [ManifestIssue(line: nil, path: "", message: "cannot read the file; check the path given to --profile")])
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }
}

/// `268435456`, `256MiB`, `1GiB`, `512KiB`, `64MB`.
public enum ByteSize {
    public static func parse(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber }
        guard let number = UInt64(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let factor: UInt64? =
            switch unit {
            case "", "b": 1
            case "kib", "k": 1 << 10
            case "mib", "m": 1 << 20
            case "gib", "g": 1 << 30
            case "kb": 1000
            case "mb": 1_000_000
            case "gb": 1_000_000_000
            default: nil
            }
        guard let factor else { return nil }
        let (value, overflow) = number.multipliedReportingOverflow(by: factor)
        return overflow ? nil : value
    }
}
