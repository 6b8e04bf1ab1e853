@_spi(Fuzzing) import WasmKit

/// Refuses linear memory (and tables) beyond the configured size; `memory.grow` then returns -1.
/// WasmKit 0.4.2 exposes `Store.resourceLimiter` only as SPI, hence the `@_spi` import.
final class MemoryLimiter: ResourceLimiter {
    let maxBytes: Int
    init(maxBytes: Int) { self.maxBytes = maxBytes }
    func limitMemoryGrowth(to desired: Int) throws -> Bool { desired <= maxBytes }
    func limitTableGrowth(to desired: Int) throws -> Bool { desired <= 100_000 }

    static func install(on store: Store, maxBytes: Int) {
        store.resourceLimiter = MemoryLimiter(maxBytes: maxBytes)
    }
}
