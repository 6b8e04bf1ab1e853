import Foundation
import Yams

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

    public static func load(path: String) throws(SupervisorError) -> DeviceProfile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .badRequest("cannot read the profile \(path)")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    public static func parse(_ yaml: String, source: String = "the profile") throws(SupervisorError) -> DeviceProfile {
        let file: ProfileFile
        do {
            file = try YAMLDecoder().decode(ProfileFile.self, from: yaml)
        } catch {
            throw .badRequest("\(source) is not a valid device profile: \(Self.describe(error))")
        }
        var peripherals: [Peripheral] = []
        for entry in file.peripherals ?? [] {
            let kind: PeripheralKind
            switch entry.kind.lowercased() {
            case "camera": kind = .camera
            case "temperature-humidity", "temperature", "humidity", "sensor", "dht22": kind = .temperatureHumidity
            default:
                throw .badRequest(
                    "\(source): peripheral \(entry.name ?? "?") has unknown kind \"\(entry.kind)\"; use camera or temperature-humidity")
            }
            guard entry.simulated ?? true else {
                throw .badRequest(
                    "\(source): peripheral \(entry.name ?? entry.kind) is not simulated; this supervisor only simulates peripherals so far")
            }
            peripherals.append(Peripheral(name: entry.name ?? entry.kind, kind: kind, simulated: true))
        }
        var memory: UInt64?
        if let text = file.simulation?.memory {
            guard let bytes = ByteSize.parse(text) else {
                throw .badRequest("\(source): simulation.memory \"\(text)\" is not a size such as 268435456, 256MiB or 1GiB")
            }
            memory = bytes
        }
        return DeviceProfile(
            name: file.name, labels: file.labels ?? [:], peripherals: peripherals, simulatedMemoryBytes: memory,
            simulatedCPUName: file.simulation?.cpu?.name, simulatedCPUClockHz: file.simulation?.cpu?.clockHz,
            simulatedArch: file.simulation?.arch)
    }

    private static func describe(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .keyNotFound(let key, _): return "missing field \(key.stringValue)"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                return path.isEmpty ? context.debugDescription : "wrong value at \(path)"
            @unknown default: return "\(error)"
            }
        }
        return "\(error)"
    }

    private struct ProfileFile: Decodable {
        var name: String?
        var labels: [String: String]?
        var peripherals: [PeripheralEntry]?
        var simulation: Simulation?
    }

    private struct PeripheralEntry: Decodable {
        var name: String?
        var kind: String
        var simulated: Bool?
    }

    private struct Simulation: Decodable {
        var memory: String?
        var cpu: CPU?
        var arch: String?
    }

    private struct CPU: Decodable {
        var name: String?
        var clockHz: UInt64?
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
