/// Rendezvous (highest random weight) hashing: which live replica owns a key (a device to watch).
///
/// Every replica computes the same owner from the same list of live replicas, with no
/// coordination. When a replica leaves, only its keys move (each to the next-highest replica);
/// when one joins, it takes only the keys it now scores highest for. The score is a stable 64-bit
/// hash of "replica|key" (FNV-1a, then a 64-bit finaliser), the same in every process and
/// release, unlike Swift's per-process seeded `Hasher`.
public enum Rendezvous {
    /// The replica with the highest score for `key`; on equal scores the smallest id. nil when
    /// `replicas` is empty.
    public static func owner(of key: String, among replicas: [ReplicaID]) -> ReplicaID? {
        var best: (replica: ReplicaID, score: UInt64)?
        for replica in replicas {
            let score = score(of: key, for: replica)
            if let current = best, current.score > score || (current.score == score && current.replica <= replica) { continue }
            best = (replica, score)
        }
        return best?.replica
    }

    /// The weight of `replica` for `key`.
    public static func score(of key: String, for replica: ReplicaID) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        // A replica id never holds "|", so distinct (replica, key) pairs give distinct inputs.
        for byte in replica.rawValue.utf8 { mix(byte) }
        mix(UInt8(ascii: "|"))
        for byte in key.utf8 { mix(byte) }
        return finalised(hash)
    }

    /// MurmurHash3's fmix64: spreads FNV-1a's weak high bits over the whole word.
    static func finalised(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x &*= 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }
}
