import Synchronization
import TideModel

/// The device list's cache of each device's stable JSON (see `DeviceJSON.StablePart`), keyed by
/// the inventory's revision of the device (a new one whenever the device changed, so a changed
/// device is written again).
final class DeviceListCache: Sendable {
    private let parts = Mutex<[UInt64: DeviceJSON.StablePart]>([:])
    /// How many outdated parts may pile up before a list of the whole fleet forgets them.
    private let slack: Int

    init(slack: Int = 64) { self.slack = slack }

    /// The stable JSON of each device of `snapshot`, in its order. A snapshot of the whole fleet
    /// (`complete`) also forgets the parts of earlier revisions once they are more than `slack`
    /// and an eighth.
    func parts(for snapshot: [Inventory.ListedDevice], complete: Bool) -> [DeviceJSON.StablePart] {
        var missing: [Int] = []
        var result = parts.withLock { parts in
            snapshot.indices.map { index in
                if let cached = parts[snapshot[index].revision] { return cached }
                missing.append(index)
                return DeviceJSON.StablePart(head: [], tail: [])
            }
        }
        guard !missing.isEmpty || complete else { return result }
        for index in missing {
            result[index] = DeviceJSON.stablePart(of: snapshot[index].device, supervisor: snapshot[index].supervisor)
        }
        parts.withLock { parts in
            for index in missing { parts[snapshot[index].revision] = result[index] }
            if complete, parts.count > snapshot.count + max(slack, snapshot.count / 8) {
                let listed = Set(snapshot.map(\.revision))
                parts = parts.filter { listed.contains($0.key) }
            }
        }
        return result
    }
}
