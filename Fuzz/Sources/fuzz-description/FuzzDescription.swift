import Foundation
import FuzzSupport
import TideModel

/// A supervisor's answers to the server's probes, read as `DeviceProbe` does: the body parsed as
/// `JSONValue` by `JSONDecoder`, then `DeviceDescription(parsing:)` (the description endpoint) and
/// `HealthReport(parsing:receivedAt:)` (`GET /health`), each error's message on failure. A kept
/// description is served again as `RawJSON` in `GET /file/device`, so that is encoded too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDescriptionTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = FuzzInput.bytes(data, size) else { return 0 }
    let json: JSONValue
    do {
        json = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    } catch {
        _ = String(decoding: bytes.prefix(60), as: UTF8.self)
        return 0
    }
    do {
        let description = try DeviceDescription(parsing: json)
        if let id = description.reportedID {
            FuzzInput.require(DeviceID.isValid(id.rawValue), "invalid device id \"\(id.rawValue)\" accepted")
        }
        _ = try? TideJSON.encoder().encode(RawJSON(unchecked: bytes))
    } catch {
        _ = error.message
    }
    do {
        let health = try HealthReport(parsing: json, receivedAt: Date(timeIntervalSince1970: 0))
        FuzzInput.require(
            health.cpuUsage.isFinite && health.memoryUsage.isFinite, "health values \(health.cpuUsage), \(health.memoryUsage) accepted")
        _ = try? TideJSON.encoder().encode(health)
    } catch {
        _ = error.message
    }
    return 0
}
