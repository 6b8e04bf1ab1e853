import Foundation
import Testing
import TideModel
import TideStore

@Suite("SQLite store: removed devices")
struct RemovedDeviceStoreTests {
    @Test("a removal is stored with the deletion and its event, survives reopening, and is forgotten on readmission")
    func removalRoundTrip() throws {
        let path = StoreTests.temporaryPath()
        let store = try TideStore(path: path)
        let device = StoreTests.device("a")
        try store.save(device, event: nil)
        let removal = RemovedDevice(device, at: Date(timeIntervalSince1970: 1_800_000_100.5))
        let event = NewFleetEvent(time: removal.removedAt, kind: .deviceRemoved, device: device.id, message: "removed")
        #expect(try store.delete(device.id, event: event, removal: removal) != nil)

        let reopened = try TideStore(path: path)
        #expect(try reopened.removedDevices() == [removal])
        #expect(removal.endpoints == [DeviceEndpoint(host: "127.0.0.1", port: 5000), DeviceEndpoint(host: "10.0.0.7", port: 5000)])
        #expect(try reopened.allDevices().isEmpty)

        try reopened.forgetRemoval(of: [device.id])
        #expect(try reopened.removedDevices().isEmpty)
        #expect(try reopened.events(device: device.id).map(\.kind) == [.deviceRemoved])
    }

    @Test("deleting an unknown device stores no removal")
    func unknownDevice() throws {
        let store = try TideStore(path: StoreTests.temporaryPath())
        let removal = RemovedDevice(StoreTests.device("ghost"), at: Date())
        let event = NewFleetEvent(time: Date(), kind: .deviceRemoved, device: removal.id, message: "removed")
        #expect(try store.delete(removal.id, event: event, removal: removal) == nil)
        #expect(try store.removedDevices().isEmpty)
    }
}
