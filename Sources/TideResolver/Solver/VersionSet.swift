/// A set of indices into one package's sorted version list, as a bit set.
/// The first 64 versions live inline; `high` holds further words with trailing zero words trimmed,
/// so equal sets have equal representations.
struct VersionSet: Hashable, Sendable {
    private(set) var low: UInt64
    private(set) var high: [UInt64]

    static let empty = VersionSet(low: 0, high: [])

    private init(low: UInt64, high: [UInt64]) {
        self.low = low
        self.high = high
        trim()
    }

    /// Indices `lower...upper`.
    static func range(_ lower: Int, _ upper: Int) -> VersionSet {
        var set = VersionSet.empty
        guard lower <= upper else { return set }
        for index in lower...upper { set.insert(index) }
        return set
    }

    static func single(_ index: Int) -> VersionSet {
        var set = VersionSet.empty
        set.insert(index)
        return set
    }

    /// All `count` indices.
    static func all(_ count: Int) -> VersionSet { range(0, count - 1) }

    var isEmpty: Bool { low == 0 && high.isEmpty }

    var count: Int {
        high.reduce(low.nonzeroBitCount) { $0 + $1.nonzeroBitCount }
    }

    func contains(_ index: Int) -> Bool {
        let word = index >> 6
        let bit = UInt64(1) << UInt64(index & 63)
        if word == 0 { return low & bit != 0 }
        return word - 1 < high.count && high[word - 1] & bit != 0
    }

    mutating func insert(_ index: Int) {
        let word = index >> 6
        let bit = UInt64(1) << UInt64(index & 63)
        if word == 0 {
            low |= bit
            return
        }
        while high.count < word { high.append(0) }
        high[word - 1] |= bit
    }

    func intersection(_ other: VersionSet) -> VersionSet {
        if high.isEmpty || other.high.isEmpty { return VersionSet(low: low & other.low, high: []) }
        let count = Swift.min(high.count, other.high.count)
        var words = [UInt64](repeating: 0, count: count)
        for index in 0..<count { words[index] = high[index] & other.high[index] }
        return VersionSet(low: low & other.low, high: words)
    }

    func union(_ other: VersionSet) -> VersionSet {
        if other.high.isEmpty { return VersionSet(low: low | other.low, high: high) }
        if high.isEmpty { return VersionSet(low: low | other.low, high: other.high) }
        var words = high.count >= other.high.count ? high : other.high
        for index in 0..<Swift.min(high.count, other.high.count) {
            words[index] = high[index] | other.high[index]
        }
        return VersionSet(low: low | other.low, high: words)
    }

    func subtracting(_ other: VersionSet) -> VersionSet {
        if high.isEmpty || other.high.isEmpty { return VersionSet(low: low & ~other.low, high: high) }
        var words = high
        for index in 0..<Swift.min(high.count, other.high.count) {
            words[index] = high[index] & ~other.high[index]
        }
        return VersionSet(low: low & ~other.low, high: words)
    }

    func isSubset(of other: VersionSet) -> Bool {
        if low & ~other.low != 0 { return false }
        for index in 0..<high.count {
            let otherWord = index < other.high.count ? other.high[index] : 0
            if high[index] & ~otherWord != 0 { return false }
        }
        return true
    }

    func isDisjoint(with other: VersionSet) -> Bool {
        if low & other.low != 0 { return false }
        for index in 0..<Swift.min(high.count, other.high.count) where high[index] & other.high[index] != 0 {
            return false
        }
        return true
    }

    /// The highest index that is also in `other`, if any.
    func highestCommon(with other: VersionSet) -> Int? {
        var index = Swift.min(high.count, other.high.count) - 1
        while index >= 0 {
            let word = high[index] & other.high[index]
            if word != 0 { return (index + 1) * 64 + 63 - word.leadingZeroBitCount }
            index -= 1
        }
        let word = low & other.low
        return word == 0 ? nil : 63 - word.leadingZeroBitCount
    }

    /// Number of indices also in `other`.
    func countCommon(with other: VersionSet) -> Int {
        var total = (low & other.low).nonzeroBitCount
        for index in 0..<Swift.min(high.count, other.high.count) {
            total += (high[index] & other.high[index]).nonzeroBitCount
        }
        return total
    }

    /// Ascending indices.
    var indices: [Int] {
        var result: [Int] = []
        var words = [low]
        words.append(contentsOf: high)
        for (wordIndex, word) in words.enumerated() {
            var remaining = word
            while remaining != 0 {
                result.append(wordIndex * 64 + remaining.trailingZeroBitCount)
                remaining &= remaining - 1
            }
        }
        return result
    }

    /// Maximal runs of consecutive indices, ascending.
    var runs: [ClosedRange<Int>] {
        var result: [ClosedRange<Int>] = []
        for index in indices {
            if let last = result.last, last.upperBound == index - 1 {
                result[result.count - 1] = last.lowerBound...index
            } else {
                result.append(index...index)
            }
        }
        return result
    }

    private mutating func trim() {
        while let last = high.last, last == 0 { high.removeLast() }
    }
}
