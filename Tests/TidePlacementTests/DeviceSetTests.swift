import Testing
import TidePlacement

@Suite struct DeviceSetTests {
    @Test func membershipAcrossWordBoundaries() {
        var set = DeviceSet(capacity: 130)
        for position in [0, 63, 64, 129, 200, -1] { set.insert(position) }
        #expect(set.members == [0, 63, 64, 129])
        #expect(set.count == 4)
        set.remove(63)
        #expect(!set.contains(63) && set.contains(64))
        set.removeAll { $0 > 100 }
        #expect(set.members == [0, 64])
        #expect(DeviceSet(capacity: 130, full: true).count == 130)
        #expect(DeviceSet(capacity: 0, full: true).isEmpty)
    }

    @Test func setAlgebra() {
        let evens = DeviceSet(capacity: 70) { $0 % 2 == 0 }
        let threes = DeviceSet(capacity: 70) { $0 % 3 == 0 }
        #expect(evens.intersection(threes).members == stride(from: 0, to: 70, by: 6).map { $0 })
        #expect(evens.union(threes).count == 35 + 24 - 12)
        var odd = DeviceSet(capacity: 70, full: true)
        odd.subtract(evens)
        #expect(odd.members == stride(from: 1, to: 70, by: 2).map { $0 })
    }
}
