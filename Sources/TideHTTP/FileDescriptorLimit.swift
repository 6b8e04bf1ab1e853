#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files (sockets included). A server with thousands of devices holds
/// a connection to many of them; the usual soft limit of 1,024 would refuse connections long
/// before the hard limit does, so servers raise the soft limit to the hard one at start (as Go's
/// runtime and nginx do).
public enum FileDescriptorLimit {
    /// The soft and hard limits now.
    public static func current() -> (soft: UInt64, hard: UInt64)? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }

    /// Raises the soft limit to at least `wanted` (all the way to the hard limit when nil). A
    /// privileged process raises the hard limit too when it is lower, up to the kernel's maximum.
    /// Returns the soft limit in force afterwards.
    @discardableResult
    public static func raise(to wanted: UInt64? = nil) -> UInt64? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        let target = rlim_t(wanted ?? UInt64(limit.rlim_max))
        guard limit.rlim_cur < target else { return UInt64(limit.rlim_cur) }
        if target > limit.rlim_max {
            var higher = limit
            higher.rlim_max = target
            higher.rlim_cur = target
            if setrlimit(resource, &higher) == 0 { return UInt64(target) }
        }
        limit.rlim_cur = min(target, limit.rlim_max)
        guard setrlimit(resource, &limit) == 0 else { return current().map(\.soft) }
        return UInt64(limit.rlim_cur)
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
