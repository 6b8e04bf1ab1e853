/// Which supervisor a device runs, told by its description: a Tide supervisor adds a `tide`
/// object; LiquidAI's wasmiot supervisor (Python, Flask, wasmtime) does not. They differ on the wire.
public enum SupervisorKind: String, Sendable, Codable, CaseIterable {
    case tide
    case wasmiot

    public init(description json: JSONValue) {
        guard let tide = json["tide"], tide != .null else {
            self = .wasmiot
            return
        }
        self = .tide
    }

    /// `/health` cpuUsage in percent (`psutil.cpu_percent`, 0-100); a Tide supervisor reports a
    /// fraction, as memoryUsage is.
    public var reportsCPUPercent: Bool { self == .wasmiot }

    /// Whether a node with a float parameter or result can be deployed there. The wasmiot
    /// supervisor's endpoint schemas know only the types integer, string and object: `number`
    /// fails its `/deploy` (a Flask 500).
    public var carriesFloats: Bool { self == .tide }
}
