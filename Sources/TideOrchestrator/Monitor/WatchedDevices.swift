import Synchronization
import TideModel

/// Which devices this replica watches (probes and checks for silence). One replica watches
/// every device; with several, each device is watched by one live replica (rendezvous hashing
/// over the live replicas, `ClusterState`), and when a device last sent a heartbeat is read from the shared
/// store so that heartbeats received by another replica count.
public struct WatchedDevices: Sendable {
    let watches: @Sendable (DeviceID) -> Bool
    let sharesHeartbeats: Bool
    let sharedReadInterval: Duration
    /// How much older a heartbeat another replica received looks here (that replica writes what
    /// it received every so often, this one reads it every `sharedReadInterval`): its silence may
    /// last this much longer before it counts.
    let sharedLag: Duration

    public static let all = WatchedDevices(watches: { _ in true }, sharesHeartbeats: false, sharedReadInterval: .seconds(1), sharedLag: .zero)

    init(watches: @escaping @Sendable (DeviceID) -> Bool, sharesHeartbeats: Bool, sharedReadInterval: Duration, sharedLag: Duration) {
        self.watches = watches
        self.sharesHeartbeats = sharesHeartbeats
        self.sharedReadInterval = sharedReadInterval
        self.sharedLag = sharedLag
    }
}
