import TideModel

/// The devices an operator removed, found by the id a device reports or, for a device that
/// reports none (a wasmiot supervisor), by where it answers.
struct RemovedDevices: Sendable {
    private var byID: [DeviceID: RemovedDevice] = [:]
    private var byEndpoint: [DeviceEndpoint: DeviceID] = [:]

    init(_ removed: [RemovedDevice]) {
        for device in removed { insert(device) }
    }

    subscript(id: DeviceID) -> RemovedDevice? { byID[id] }

    /// The removed device a registration comes from: by its reported id when it has one, else by
    /// its endpoint.
    func match(reportedID: DeviceID?, endpoint: DeviceEndpoint) -> RemovedDevice? {
        if let reportedID { return byID[reportedID] }
        return byEndpoint[endpoint].flatMap { byID[$0] }
    }

    /// Every removed device an operator's `tide device add` of `endpoint` brings back: the one with
    /// the reported id and the one that answered there.
    func readmittedBy(reportedID: DeviceID?, endpoint: DeviceEndpoint) -> [DeviceID] {
        var ids: [DeviceID] = []
        if let reportedID, byID[reportedID] != nil { ids.append(reportedID) }
        if let id = byEndpoint[endpoint], !ids.contains(id) { ids.append(id) }
        return ids
    }

    mutating func insert(_ device: RemovedDevice) {
        remove(device.id)
        byID[device.id] = device
        for endpoint in device.endpoints { byEndpoint[endpoint] = device.id }
    }

    mutating func remove(_ id: DeviceID) {
        guard let device = byID.removeValue(forKey: id) else { return }
        for endpoint in device.endpoints where byEndpoint[endpoint] == id { byEndpoint[endpoint] = nil }
    }
}
