#if canImport(Glibc)
    import Glibc
#endif

/// Hands back to the kernel the pages of the executable and libraries that only starting up
/// needed: argument parsing, relocation tables, configuration loading, code of the roles a
/// supervisor never plays (server, CLI). Only clean pages of read-only file mappings are
/// dropped; they are the file's own bytes, so code that runs again reloads them from the page
/// cache on first touch. Relocated (copied-on-write) pages and all writable memory are kept.
public enum StartupPageRelease {
    public struct Outcome: Sendable, Equatable {
        public var residentBefore: Int
        public var residentAfter: Int
        public var releasedBytes: Int
    }

    /// Nil where /proc is not available (not Linux, or a restricted /proc).
    public static func run() -> Outcome? {
        #if os(Linux)
            let before = Int(UsageMonitor.residentBytes())
            guard before > 0, let maps = ProcFiles.read("/proc/self/maps") else { return nil }
            let descriptor = open("/proc/self/pagemap", O_RDONLY)
            guard descriptor >= 0 else { return nil }
            defer { close(descriptor) }
            let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
            var released = 0
            for mapping in ProcessMapping.loadedObjectPages(ProcessMapping.parse(maps: maps)) {
                guard let entries = pageMapEntries(descriptor, mapping: mapping, pageSize: pageSize) else { continue }
                for run in PageMapEntry.cleanRuns(entries) {
                    let address = mapping.start + UInt(run.first * pageSize)
                    let length = run.count * pageSize
                    if madvise(UnsafeMutableRawPointer(bitPattern: address), length, MADV_DONTNEED) == 0 {
                        released += length
                    }
                }
            }
            return Outcome(residentBefore: before, residentAfter: Int(UsageMonitor.residentBytes()), releasedBytes: released)
        #else
            return nil
        #endif
    }

    #if os(Linux)
        private static func pageMapEntries(_ descriptor: Int32, mapping: ProcessMapping, pageSize: Int) -> [UInt64]? {
            let count = Int(mapping.end - mapping.start) / pageSize
            var entries = [UInt64](repeating: 0, count: count)
            let wanted = count * MemoryLayout<UInt64>.size
            let offset = off_t(Int(mapping.start) / pageSize * MemoryLayout<UInt64>.size)
            let read = entries.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, wanted, offset) }
            return read == wanted ? entries.map { UInt64(littleEndian: $0) } : nil
        }
    #endif
}
