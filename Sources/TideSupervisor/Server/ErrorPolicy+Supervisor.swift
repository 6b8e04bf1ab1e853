import TideHTTP

extension ErrorPolicy {
    /// The supervisor keeps an internal failure's message in its log: it can name paths on the
    /// device.
    static let supervisor = ErrorPolicy(internalMessage: SupervisorError.internalMessage, revealsInternalMessages: false)
}
