/// Why a request to the Tide server failed, worded for the person at the terminal.
public struct ClientError: Error, CustomStringConvertible, Equatable {
    /// HTTP status, nil when no answer arrived.
    public var status: Int?
    /// The API's error code (`not_found`, `device_unusable`, ...), when the server gave one.
    public var code: String?
    public var message: String

    public init(status: Int?, code: String?, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
