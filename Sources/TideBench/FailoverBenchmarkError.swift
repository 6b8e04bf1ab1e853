/// Why `tide-bench failover` stopped, worded so the reader knows what to check next.
enum FailoverBenchmarkError: Error, CustomStringConvertible {
    /// A child process (`tide server` or `tide supervisor`) could not be started or exited early.
    case child(String)
    /// A call to the benchmark's server failed.
    case api(String, String)
    /// The fleet did not reach the state the benchmark waits for.
    case timeout(String)
    /// A failover did not happen: the pipeline never ran again. `evidence` is the server's recent events.
    case neverRecovered(String, evidence: [String])

    var description: String {
        switch self {
        case .child(let message):
            return message
        case .api(let call, let message):
            return "\(call) failed: \(message)"
        case .timeout(let message):
            return message
        case .neverRecovered(let message, let evidence):
            return message + "\nthe server's last events:\n" + evidence.joined(separator: "\n")
        }
    }
}
