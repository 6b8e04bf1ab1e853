import TideHTTP

extension ErrorPolicy {
    /// The orchestrator answers a domain error's internal failure with its message: those are
    /// written for the operators who call the API.
    static let orchestrator = ErrorPolicy(revealsInternalMessages: true)
}
