/// Why a `result-labels` file cannot be used; the message completes "the labels file ...".
public struct ResultLabelsError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
