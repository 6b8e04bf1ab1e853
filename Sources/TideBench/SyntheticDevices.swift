import Foundation
import TideModel

/// Devices that look like a real fleet's, for benchmarks. Their addresses are in 127.0.0.0/8 and
/// nothing is probed: the benchmark server runs with the monitor off.
enum SyntheticDevices {
    static let interfaces = [
        "fd_write", "fd_read", "fd_close", "fd_seek", "fd_fdstat_get", "path_open", "environ_get", "environ_sizes_get",
        "args_get", "args_sizes_get", "clock_time_get", "proc_exit", "random_get", "millis", "delay", "print",
        "takeImageStaticSize", "takeImageDynamicSize", "readTemperature", "readHumidity",
    ]

    static func make(count: Int, now: Date = Date()) -> [Device] {
        (0..<count).map { index in
            let memory = UInt64([256, 512, 1024, 2048, 4096][index % 5]) << 20
            let names = Array(interfaces.prefix(12 + index % 9))
            let description: JSONValue = [
                "platform": [
                    "memory": ["bytes": .number(JSONNumber(memory))],
                    "cpu": ["humanReadableName": "ARM Cortex-A72", "clockSpeed": ["Hz": 1_500_000_000]],
                ],
                "supervisorInterfaces": .array(names.map(JSONValue.string)),
            ]
            let host = "127.\(1 + index / 65536 % 254).\(index / 256 % 256).\(index % 256)"
            let id = DeviceID(String(format: "dev-bench%06d", index))
            return Device(
                id: id, name: "bench-\(index)", addresses: [host], port: 5000, status: .alive, statusSince: now,
                statusReason: "registered at \(host):5000", description: RawJSON(description),
                capabilities: DeviceCapabilities(
                    interfaces: names.sorted(), memoryBytes: memory, cpuName: "ARM Cortex-A72", cpuClockHz: 1_500_000_000),
                labels: ["zone": "zone-\(index % 20)"],
                health: HealthReport(cpuUsage: 0.25, memoryUsage: 0.5, receivedAt: now), firstSeen: now, lastSeen: now)
        }
    }
}
