import Foundation
import FuzzSupport
import TideModel

/// A heartbeat body as `POST /file/device/heartbeat` reads it (`WasmiotDeviceRoutes.heartbeat`
/// through `Request.decodeJSON`): `Heartbeat(plainJSON:)` first, else `Heartbeat` decoded by
/// `TideJSON.decoder()`, the message of `TideJSON.describe` on failure, then the id check, the
/// health the inventory keeps and the answer. What the plain reader takes, the decoder must read
/// the same (the process stops when they differ).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHeartbeatTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = FuzzInput.bytes(data, size), !bytes.isEmpty else { return 0 }
    let body = Data(bytes)
    let plain = bytes.withUnsafeBytes { Heartbeat(plainJSON: $0) }
    let beat: Heartbeat
    do {
        beat = try TideJSON.decoder().decode(Heartbeat.self, from: body)
    } catch {
        if plain != nil { fatalError("the plain reader took a heartbeat the decoder refuses: \(error)") }
        _ = TideJSON.describe(error, in: body)
        return 0
    }
    if let plain, plain != beat { fatalError("the plain reader read \(plain), the decoder \(beat)") }
    guard DeviceID.isValid(beat.id.rawValue) else { return 0 }
    let health = HealthReport(
        cpuUsage: beat.health.cpuUsage, memoryUsage: beat.health.memoryUsage, receivedAt: Date(timeIntervalSince1970: 0))
    _ = try? TideJSON.encoder().encode(health)
    _ = HeartbeatAck(status: "known", device: beat.id).jsonBytes
    return 0
}
