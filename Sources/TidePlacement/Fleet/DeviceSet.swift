/// A set of device positions in a `FleetIndex`, as a bitset: filtering 10,000 devices is a few
/// hundred word operations.
public struct DeviceSet: Sendable, Equatable {
    public let capacity: Int
    private var words: [UInt64]

    public init(capacity: Int, full: Bool = false) {
        self.capacity = capacity
        let wordCount = (capacity + 63) / 64
        words = Array(repeating: full ? ~0 : 0, count: wordCount)
        if full, capacity % 64 != 0, wordCount > 0 {
            words[wordCount - 1] = (1 << UInt64(capacity % 64)) - 1
        }
    }

    public init(capacity: Int, where predicate: (Int) -> Bool) {
        self.init(capacity: capacity)
        for position in 0..<capacity where predicate(position) { insert(position) }
    }

    public func contains(_ position: Int) -> Bool {
        guard position >= 0, position < capacity else { return false }
        return words[position >> 6] & (1 << UInt64(position & 63)) != 0
    }

    public mutating func insert(_ position: Int) {
        guard position >= 0, position < capacity else { return }
        words[position >> 6] |= 1 << UInt64(position & 63)
    }

    public mutating func remove(_ position: Int) {
        guard position >= 0, position < capacity else { return }
        words[position >> 6] &= ~(1 << UInt64(position & 63))
    }

    public mutating func formIntersection(_ other: DeviceSet) {
        for index in words.indices { words[index] &= other.words[index] }
    }

    public mutating func formUnion(_ other: DeviceSet) {
        for index in words.indices { words[index] |= other.words[index] }
    }

    public mutating func subtract(_ other: DeviceSet) {
        for index in words.indices { words[index] &= ~other.words[index] }
    }

    public func intersection(_ other: DeviceSet) -> DeviceSet {
        var result = self
        result.formIntersection(other)
        return result
    }

    public func union(_ other: DeviceSet) -> DeviceSet {
        var result = self
        result.formUnion(other)
        return result
    }

    /// Removes the members for which `predicate` is true.
    public mutating func removeAll(where predicate: (Int) -> Bool) {
        for wordIndex in words.indices {
            var remaining = words[wordIndex]
            var kept = remaining
            while remaining != 0 {
                let bit = remaining.trailingZeroBitCount
                if predicate(wordIndex << 6 + bit) { kept &= ~(1 << UInt64(bit)) }
                remaining &= remaining - 1
            }
            words[wordIndex] = kept
        }
    }

    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// Calls `body` with each member, in increasing order.
    public func forEach(_ body: (Int) -> Void) {
        for (wordIndex, word) in words.enumerated() {
            var remaining = word
            while remaining != 0 {
                body(wordIndex << 6 + remaining.trailingZeroBitCount)
                remaining &= remaining - 1
            }
        }
    }

    /// The members in increasing order.
    public var members: [Int] {
        var result: [Int] = []
        result.reserveCapacity(count)
        forEach { result.append($0) }
        return result
    }
}
