import CTideMemory
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A staged state's linear memory in page-aligned memory of its own: the changes of a pre-copied
/// move are written into it, and the restore moves its pages into the instance's memory (Linux
/// `mremap`) instead of copying them, so the pause does not grow with the state's size.
final class MappedMemory: Sendable {
    private struct Region: @unchecked Sendable {
        var base: UnsafeMutableRawPointer?
        var count: Int
    }

    private let region: Mutex<Region>

    /// A copy of `bytes` (a whole number of system pages long); nil where no memory is given.
    init?(copying bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0, bytes.count % Self.pageSize == 0, let source = bytes.baseAddress,
            let base = mmap(nil, bytes.count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), base != MAP_FAILED
        else { return nil }
        PageFaultAhead.populate(UnsafeMutableRawBufferPointer(start: base, count: bytes.count))
        base.copyMemory(from: source, byteCount: bytes.count)
        region = Mutex(Region(base: base, count: bytes.count))
    }

    deinit {
        region.withLock { region in
            if let base = region.base { munmap(base, region.count) }
        }
    }

    var count: Int { region.withLock { $0.count } }

    /// Grows it to `count` bytes (more pages of zeros); false when the system cannot.
    func grow(to count: Int) -> Bool {
        region.withLock { region in
            guard count > region.count else { return true }
            guard count % Self.pageSize == 0, let base = region.base,
                let grown = tide_grow_mapping(base, region.count, count)
            else { return false }
            region = Region(base: grown, count: count)
            return true
        }
    }

    /// Runs `body` on its bytes (empty once moved).
    func withBytes<T, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> T) throws(E) -> T {
        let (base, count) = region.withLock { ($0.base, $0.count) }
        return try body(UnsafeMutableRawBufferPointer(start: base, count: base == nil ? 0 : count))
    }

    /// Moves its pages onto the `count` bytes at `target` (page-aligned), replacing those; true when
    /// they moved (it holds nothing more), false when they could not (nothing changed: copy them).
    func move(onto target: UnsafeMutableRawPointer) -> Bool {
        region.withLock { region in
            guard let base = region.base, Int(bitPattern: target) % Self.pageSize == 0,
                tide_move_pages(base, region.count, target) == 0
            else { return false }
            region = Region(base: nil, count: 0)
            return true
        }
    }

    static let pageSize: Int = {
        let size = sysconf(Int32(_SC_PAGESIZE))
        return size > 0 ? Int(size) : 4096
    }()
}
