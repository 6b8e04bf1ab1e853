/// What Tide reads from `GET /.well-known/wasmiot-device-description`.
///
/// Required (the wasmiot shape): `platform.memory.bytes` and `supervisorInterfaces`. Optional:
/// `platform.cpu.humanReadableName`, `platform.cpu.clockSpeed.Hz`, and a Tide supervisor's extra
/// object `tide` with `id`, `name`, `arch` and `labels`. Strict about what placement needs,
/// tolerant of the rest: the CPU's name and clock are informational, so a real wasmiot device's
/// fractional Hz (908658406.08) is rounded down and a value of another type is left out.
public struct DeviceDescription: Sendable, Equatable {
    public var capabilities: DeviceCapabilities
    /// The stable id a Tide supervisor reports for itself.
    public var reportedID: DeviceID?
    public var reportedName: String?
    /// A Tide supervisor or a wasmiot one (no `tide` object).
    public var supervisor: SupervisorKind

    public init(parsing json: JSONValue) throws(DeviceDescriptionError) {
        supervisor = SupervisorKind(description: json)
        guard case .object = json else { throw .init("the description is \(json.typeName), not a JSON object") }
        guard let platform = json["platform"] else { throw .init("missing field platform") }
        guard case .object = platform else { throw .init("platform is \(platform.typeName), not an object") }
        guard let memoryBytes = platform["memory"]?["bytes"] else { throw .init("missing field platform.memory.bytes") }
        let memory = try Self.unsigned(memoryBytes, at: "platform.memory.bytes")

        var cpuName: String?
        var cpuClock: UInt64?
        if let cpu = platform["cpu"], cpu != .null {
            cpuName = cpu["humanReadableName"]?.stringValue
            if let hz = cpu["clockSpeed"]?["Hz"]?.numberValue, hz.isFinite, hz >= 0, hz < 1.8e19 {
                cpuClock = UInt64(hz.rounded(.down))
            }
        }

        guard let interfacesValue = json["supervisorInterfaces"] else { throw .init("missing field supervisorInterfaces") }
        guard let list = interfacesValue.arrayValue else {
            throw .init("supervisorInterfaces is \(interfacesValue.typeName), not an array of names")
        }
        var interfaces: [String] = []
        for (index, element) in list.enumerated() {
            guard let name = element.stringValue else {
                throw .init("supervisorInterfaces[\(index)] is \(element.typeName), not a string")
            }
            interfaces.append(name)
        }

        var arch: String?
        var labels: [String: String] = [:]
        if let tide = json["tide"], tide != .null {
            guard case .object = tide else { throw .init("tide is \(tide.typeName), not an object") }
            if let id = tide["id"], id != .null {
                guard let text = id.stringValue, DeviceID.isValid(text) else {
                    throw .init("tide.id must be 1-128 letters, digits, \"-\", \"_\" or \".\"")
                }
                reportedID = DeviceID(text)
            }
            reportedName = tide["name"]?.stringValue
            arch = tide["arch"]?.stringValue
            if let reported = tide["labels"]?.objectValue {
                for (key, value) in reported {
                    guard let text = value.stringValue else { throw .init("tide.labels.\(key) is \(value.typeName), not a string") }
                    labels[key] = text
                }
            }
        }

        capabilities = DeviceCapabilities(
            interfaces: Array(Set(interfaces)).sorted(), memoryBytes: memory, cpuName: cpuName, cpuClockHz: cpuClock,
            arch: arch, labels: labels)
    }

    private static func unsigned(_ value: JSONValue, at path: String) throws(DeviceDescriptionError) -> UInt64 {
        guard let number = value.numberValue else { throw .init("\(path) is \(value.typeName), not a number") }
        guard number >= 0, number.rounded() == number, number < 1.8e19 else {
            throw .init("\(path) must be a whole number of at least 0, got \(number)")
        }
        return UInt64(number)
    }
}

public struct DeviceDescriptionError: Error, Equatable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
