import Synchronization
import TideModel

/// The device list's cache of each device's stable JSON (see `DeviceJSON.StablePart`), keyed by
/// the inventory's revision of the device: a device that changed since is written again.
final class DeviceListCache: Sendable {
    private let parts = Mutex<[DeviceID: (revision: UInt64, part: DeviceJSON.StablePart)]>([:])

    /// Each device of `snapshot` with its stable JSON. A snapshot of the whole fleet (`complete`)
    /// also forgets devices no longer in it, once the cache holds more devices than the fleet.
    func parts(for snapshot: [Inventory.ListedDevice], complete: Bool)
        -> [(stable: DeviceJSON.StablePart, device: Device)]
    {
        var result: [(stable: DeviceJSON.StablePart, device: Device)] = []
        result.reserveCapacity(snapshot.count)
        var missing: [Int] = []
        parts.withLock { parts in
            for listed in snapshot {
                if let cached = parts[listed.device.id], cached.revision == listed.revision {
                    result.append((cached.part, listed.device))
                } else {
                    missing.append(result.count)
                    result.append((DeviceJSON.StablePart(head: [], tail: []), listed.device))
                }
            }
        }
        guard !missing.isEmpty || complete else { return result }
        for index in missing {
            let listed = snapshot[index]
            result[index].stable = DeviceJSON.stablePart(of: listed.device, supervisor: listed.supervisor)
        }
        parts.withLock { parts in
            for index in missing { parts[snapshot[index].device.id] = (snapshot[index].revision, result[index].stable) }
            if complete, parts.count > snapshot.count {
                let listed = Set(snapshot.map(\.device.id))
                parts = parts.filter { listed.contains($0.key) }
            }
        }
        return result
    }
}
