/// Remembers names by their byte ranges in the input to detect duplicates without building and
/// hashing a `String` per name: an open-addressing table sized once from the entry count.
struct NameSet {
    private let bytes: [UInt8]
    private var slots: [Int]
    private var entries: [(hash: UInt64, range: Range<Int>)] = []
    private let shift: UInt64

    /// `capacity` must be bounded by the input size (it is a checked vector count).
    init(bytes: [UInt8], capacity: Int) {
        self.bytes = bytes
        var bits: UInt64 = 1
        while (1 << bits) < 2 * capacity { bits += 1 }
        shift = 64 - bits
        slots = Array(repeating: -1, count: 1 << bits)
        entries.reserveCapacity(capacity)
    }

    /// Adds the name; false if an equal name was already there.
    mutating func insert(_ range: Range<Int>) -> Bool {
        let hash = fnv1a(range)
        let mask = slots.count - 1
        var slot = Int((hash &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while slots[slot] >= 0 {
            let entry = entries[slots[slot]]
            if entry.hash == hash && equal(entry.range, range) { return false }
            slot = (slot + 1) & mask
        }
        slots[slot] = entries.count
        entries.append((hash, range))
        return true
    }

    private func equal(_ lhs: Range<Int>, _ rhs: Range<Int>) -> Bool {
        lhs.count == rhs.count && bytes[lhs].elementsEqual(bytes[rhs])
    }

    private func fnv1a(_ range: Range<Int>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in range {
            hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
