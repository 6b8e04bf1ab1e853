import TideModel

/// Why an attempt of a run stopped short for a reason that is the device's, not the step's: the
/// device could not be reached, the server knows it is dead, or it no longer holds its node.
struct RunInterruption: Sendable, Equatable {
    enum Cause: Sendable, Equatable {
        /// Unreachable, timed out, or dead by the server's knowledge.
        case unreachable
        /// The device answered 404: it does not hold the step's node (it restarted).
        case lostNode
    }

    /// The step the run must go on from: the one whose device failed, or an earlier one whose
    /// output was lost with its device.
    var step: String
    var device: DeviceID
    var cause: Cause
    /// Whether the step's call may have reached the device (and so the step may have run): false
    /// only when the connection was refused, the device answered 404, or the call was never sent.
    var mayHaveRun: Bool
    var error: String
}
