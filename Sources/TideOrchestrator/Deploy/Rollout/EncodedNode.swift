import TideModel

/// A device's node as pushed: its JSON and the digest that tells whether the device has it already.
struct EncodedNode: Sendable, Equatable {
    var body: [UInt8]
    var digest: String
}

/// What one push of a node came to.
struct PushOutcome: Sendable, Equatable {
    var device: DeviceID
    var digest: String
    var error: ProbeError?
}
