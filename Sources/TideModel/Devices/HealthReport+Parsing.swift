import Foundation

extension HealthReport {
    /// Reads a wasmiot `GET /health` answer: `{"cpuUsage": 0..1, "memoryUsage": 0..1}`.
    public init(parsing json: JSONValue, receivedAt: Date) throws(DeviceDescriptionError) {
        guard case .object = json else { throw .init("health report is \(json.typeName), not a JSON object") }
        func fraction(_ key: String) throws(DeviceDescriptionError) -> Double {
            guard let value = json[key] else { throw .init("health report is missing field \(key)") }
            guard let number = value.numberValue else { throw .init("health report field \(key) is \(value.typeName), not a number") }
            guard number.isFinite, number >= 0 else { throw .init("health report field \(key) is \(number), not a fraction") }
            return number
        }
        self.init(cpuUsage: try fraction("cpuUsage"), memoryUsage: try fraction("memoryUsage"), receivedAt: receivedAt)
    }

    /// The report of a device that gives cpuUsage in percent (a wasmiot supervisor), as fractions.
    public func cpuFromPercent() -> HealthReport {
        var report = self
        report.cpuUsage = min(max(cpuUsage / 100, 0), 1)
        return report
    }
}
