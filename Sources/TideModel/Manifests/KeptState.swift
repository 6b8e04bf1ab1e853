/// A step's `state` in the manifest: its module instance keeps what it holds (linear memory,
/// exported mutable globals) when the step moves. A planned move (drain, rebalance) always carries
/// it; with `checkpointSeconds`, the server also takes a snapshot that often, and after a crash the
/// new instance starts from the last one.
public struct KeptState: Sendable, Codable, Equatable {
    /// nil: no checkpoints; a crash loses the state.
    public var checkpointSeconds: Double?

    /// The shortest checkpoint interval a manifest may ask for.
    public static let minimumCheckpointSeconds = 1.0

    public init(checkpointSeconds: Double? = nil) {
        self.checkpointSeconds = checkpointSeconds
    }
}
