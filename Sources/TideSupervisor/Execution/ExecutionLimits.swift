/// Limits on every guest call.
public struct ExecutionLimits: Sendable, Equatable {
    /// Linear memory a module may have, in 64 KiB pages (instantiation and `memory.grow`).
    public var maxMemoryPages: Int
    /// Fuel per call (about one unit per Wasm operator); nil for none. Running out stops the guest.
    public var fuelPerCall: UInt64?
    /// How long a caller waits for a result. The guest itself is stopped by the fuel budget.
    public var deadline: Duration
    /// Calls running at once; more wait in line, up to `maxQueuedCalls`, then get 503.
    public var maxConcurrentCalls: Int
    public var maxQueuedCalls: Int
    /// Largest `bytes` argument or result.
    public var maxBytes: Int

    public init(
        maxMemoryPages: Int = 1024, fuelPerCall: UInt64? = 4_000_000_000, deadline: Duration = .seconds(30),
        maxConcurrentCalls: Int = 8, maxQueuedCalls: Int = 256, maxBytes: Int = 16 << 20
    ) {
        self.maxMemoryPages = maxMemoryPages
        self.fuelPerCall = fuelPerCall
        self.deadline = deadline
        self.maxConcurrentCalls = maxConcurrentCalls
        self.maxQueuedCalls = maxQueuedCalls
        self.maxBytes = maxBytes
    }

    public var maxMemoryBytes: Int { maxMemoryPages * 65_536 }
}
