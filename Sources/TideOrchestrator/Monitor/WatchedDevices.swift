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
    /// Changes whenever `watches` may answer differently (the live replicas changed); nil: ask
    /// `watches` about each device every time. With it, the monitor keeps the list of the devices
    /// it watches instead of asking about every device of the fleet at every tick.
    let generation: (@Sendable () -> UInt64)?

    public static let all = WatchedDevices(watches: { _ in true }, sharesHeartbeats: false, sharedReadInterval: .seconds(1), sharedLag: .zero)

    init(
        watches: @escaping @Sendable (DeviceID) -> Bool, sharesHeartbeats: Bool, sharedReadInterval: Duration, sharedLag: Duration,
        generation: (@Sendable () -> UInt64)? = nil
    ) {
        self.watches = watches
        self.generation = generation
        self.sharesHeartbeats = sharesHeartbeats
        self.sharedReadInterval = sharedReadInterval
        self.sharedLag = sharedLag
    }
}
