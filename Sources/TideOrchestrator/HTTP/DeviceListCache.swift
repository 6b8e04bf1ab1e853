import Synchronization
import TideModel

/// The device list's cache of each device's stable JSON (see `DeviceJSON.StablePart`), keyed by
/// the inventory's revision of the device: a device that changed since is written again.
final class DeviceListCache: Sendable {
    private let parts = Mutex<[DeviceID: (revision: UInt64, part: DeviceJSON.StablePart)]>([:])

    /// Each device of `snapshot` with its stable JSON. A snapshot of the whole fleet (`complete`)
    /// also forgets the devices no longer in it.
    func parts(for snapshot: [Inventory.ListedDevice], complete: Bool)
        -> [(stable: DeviceJSON.StablePart, device: Device)]
    {
        var cached = parts.withLock { parts in
            snapshot.map { listed in parts[listed.device.id].flatMap { $0.revision == listed.revision ? $0.part : nil } }
        }
        var written: [(DeviceID, UInt64, DeviceJSON.StablePart)] = []
        for (index, listed) in snapshot.enumerated() where cached[index] == nil {
            let part = DeviceJSON.stablePart(of: listed.device, supervisor: listed.supervisor)
            cached[index] = part
            written.append((listed.device.id, listed.revision, part))
        }
        if complete || !written.isEmpty {
            parts.withLock { parts in
                if complete {
                    let listed = Set(snapshot.map(\.device.id))
                    parts = parts.filter { listed.contains($0.key) }
                }
                for (id, revision, part) in written { parts[id] = (revision, part) }
            }
        }
        return zip(cached, snapshot).compactMap { part, listed in part.map { ($0, listed.device) } }
    }
}
