import Synchronization
import TideModel

/// Which devices this replica watches (probes and checks for silence). One replica watches
/// every device; with several, each device is watched by one live replica (rendezvous hashing
/// over the live replicas, `ClusterState`), and a device's last-seen is read from the shared
/// store so that heartbeats received by another replica count.
public struct WatchedDevices: Sendable {
    let watches: @Sendable (DeviceID) -> Bool
    let sharesLastSeen: Bool
    let sharedReadInterval: Duration

    public static let all = WatchedDevices(watches: { _ in true }, sharesLastSeen: false, sharedReadInterval: .seconds(1))

    init(watches: @escaping @Sendable (DeviceID) -> Bool, sharesLastSeen: Bool, sharedReadInterval: Duration) {
        self.watches = watches
        self.sharesLastSeen = sharesLastSeen
        self.sharedReadInterval = sharedReadInterval
    }
}
