import Foundation
import TideModel

/// The device's stable id: created once, kept in `<data-dir>/device-id`.
public enum DeviceIdentity {
    public static func loadOrCreate(at path: String) throws(SupervisorError) -> String {
        if let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard DeviceID.isValid(text) else {
                throw .badRequest("\(path) does not hold a valid device id; remove it to create a new one")
            }
            return text
        }
        let id = "tide-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        do {
            try Data((id + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .internalFailure("cannot write the device id to \(path): \(error.localizedDescription)")
        }
        return id
    }
}
