/// The `limit` best positions of a set by a value, best first; ties go to the lower position.
func topCandidates(of set: DeviceSet, limit: Int, value: (Int) -> Double) -> [Int] {
    guard limit > 0 else { return [] }
    var best: [(value: Double, position: Int)] = []
    best.reserveCapacity(limit + 1)
    set.forEach { position in
        let candidate = value(position)
        if best.count == limit, let last = best.last, candidate <= last.value { return }
        var slot = best.count
        while slot > 0, best[slot - 1].value < candidate { slot -= 1 }
        best.insert((candidate, position), at: slot)
        if best.count > limit { best.removeLast() }
    }
    return best.map(\.position)
}
