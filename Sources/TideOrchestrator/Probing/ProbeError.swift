/// Why a device did not give a usable answer. The message names the device and what went wrong.
public struct ProbeError: Error, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case unreachable
        case refused
        case timeout
        case httpStatus
        case notJSON
        case badShape
        /// Not sent: this replica no longer leads, so it may not push to devices.
        case notLeading
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// The HTTP status of a `.httpStatus` error.
    public var status: UInt?

    public init(_ kind: Kind, _ message: String, status: UInt?) {
        self.init(kind, message)
        self.status = status
    }
}
