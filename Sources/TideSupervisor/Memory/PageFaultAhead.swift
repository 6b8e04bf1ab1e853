#if canImport(Glibc)
    import Glibc
#endif

/// Maps in the pages of a memory region in one call before it is written whole (a restored
/// state): the kernel allocates them in one go instead of one fault per 4 KiB page as the copy
/// touches them. Where the kernel cannot (before Linux 5.14, not Linux), the copy faults them in
/// as before.
enum PageFaultAhead {
    /// `MADV_POPULATE_WRITE` (Linux 5.14), not in every Glibc's headers.
    static let populateWrite: Int32 = 23
    /// Regions smaller than this fault in quickly enough.
    static let minimumBytes = 1 << 20

    static func populate(_ region: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
            guard region.count >= minimumBytes, let base = region.baseAddress else { return }
            let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
            guard pageSize > 0 else { return }
            let start = (Int(bitPattern: base) + pageSize - 1) / pageSize * pageSize
            let end = (Int(bitPattern: base) + region.count) / pageSize * pageSize
            guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
            _ = madvise(aligned, end - start, populateWrite)
        #endif
    }
}
