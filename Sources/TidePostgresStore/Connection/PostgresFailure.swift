import PostgresNIO
import TideStore

/// Turns what PostgresNIO throws into a `StoreError` an operator can act on. PSQLError's own
/// description is generic on purpose (to keep secrets out of logs); the server's message, its
/// SQLSTATE and a connection failure's cause are what matter here, and hold no password.
enum PostgresFailure {
    static func storeError(_ error: any Error, operation: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let inner = transactionCause(error) { return storeError(inner, operation: operation) }
        return .failed(operation: operation, reason: reason(error))
    }

    /// The error inside a transaction error: the closure's, else BEGIN's or COMMIT's.
    static func transactionCause(_ error: any Error) -> (any Error)? {
        guard let error = error as? PostgresTransactionError else { return nil }
        return error.closureError ?? error.beginError ?? error.commitError
    }

    static func reason(_ error: any Error) -> String {
        if let cause = transactionCause(error) { return reason(cause) }
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let info = error.serverInfo {
            var text = info[.message] ?? "the server refused"
            if let state = info[.sqlState] { text += " (SQLSTATE \(state))" }
            if let detail = info[.detail] { text += ": \(detail)" }
            return text
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
