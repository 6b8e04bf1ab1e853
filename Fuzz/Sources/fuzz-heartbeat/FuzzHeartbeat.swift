import Foundation
import FuzzSupport
import TideModel

/// A heartbeat body as `POST /file/device/heartbeat` reads it (`WasmiotDeviceRoutes.heartbeat`
/// through `Request.decodeJSON`): `Heartbeat` decoded by `TideJSON.decoder()`, the message of
/// `TideJSON.describe` on failure, then the id check, the health the inventory keeps and the answer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHeartbeatTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = FuzzInput.bytes(data, size), !bytes.isEmpty else { return 0 }
    let body = Data(bytes)
    let beat: Heartbeat
    do {
        beat = try TideJSON.decoder().decode(Heartbeat.self, from: body)
    } catch {
        _ = TideJSON.describe(error, in: body)
        return 0
    }
    guard DeviceID.isValid(beat.id.rawValue) else { return 0 }
    let health = HealthReport(
        cpuUsage: beat.health.cpuUsage, memoryUsage: beat.health.memoryUsage, receivedAt: Date(timeIntervalSince1970: 0))
    _ = try? TideJSON.encoder().encode(health)
    _ = try? TideJSON.encoder().encode(HeartbeatAck(status: "known", device: beat.id))
    return 0
}
