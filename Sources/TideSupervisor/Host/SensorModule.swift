import Foundation
import Synchronization
import WasmKit

/// `sensor`: a simulated temperature and humidity sensor.
struct SensorModule: HostModule {
    let name = "sensor"
    let functions: [HostFunction]

    init?(profile: DeviceProfile) {
        guard profile.has(.temperatureHumidity) else { return nil }
        let series = SensorSeries()
        functions = [
            HostFunction(name: "read_temperature", parameters: [], results: [.f32]) { _, _ in
                [.f32(series.nextTemperature().bitPattern)]
            },
            HostFunction(name: "read_humidity", parameters: [], results: [.f32]) { _, _ in
                [.f32(series.nextHumidity().bitPattern)]
            },
        ]
    }
}

/// A reproducible synthetic series: the n-th reading of a fresh supervisor is always the same.
/// Temperature swings 21.5 +- 2.5 degrees Celsius over 60 readings with +-0.2 of deterministic
/// noise; humidity 45 +- 10 percent over 90 readings.
final class SensorSeries: Sendable {
    private let temperatureIndex = Mutex<UInt64>(0)
    private let humidityIndex = Mutex<UInt64>(0)

    func nextTemperature() -> Float {
        let n = temperatureIndex.withLock { value in
            defer { value += 1 }
            return value
        }
        return Self.temperature(at: n)
    }

    func nextHumidity() -> Float {
        let n = humidityIndex.withLock { value in
            defer { value += 1 }
            return value
        }
        return Self.humidity(at: n)
    }

    static func temperature(at n: UInt64) -> Float {
        let phase = 2 * Double.pi * Double(n % 60) / 60
        return Float(21.5 + 2.5 * sin(phase) + 0.2 * noise(n))
    }

    static func humidity(at n: UInt64) -> Float {
        let phase = 2 * Double.pi * Double(n % 90) / 90
        return Float(45 + 10 * cos(phase) + 0.5 * noise(n &+ 7919))
    }

    /// A value in -1...1 from a fixed hash of n.
    static func noise(_ n: UInt64) -> Double {
        var x = n &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 31
        x = x &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 29
        return Double(x % 2001) / 1000 - 1
    }
}
