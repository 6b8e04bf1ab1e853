/// Why the store could not do what was asked, in words an operator can act on.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case failed(operation: String, reason: String)
    case corrupt(String)
    /// The write would break a rule (a published version exists already).
    case conflict(String)
    /// A leader-only write from a replica whose lease is gone (another replica leads, or it expired).
    case fenced(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the database at \(path): \(reason)"
        case .failed(let operation, let reason): "database error while \(operation): \(reason)"
        case .corrupt(let what): "the database holds data Tide cannot read: \(what)"
        case .conflict(let message), .fenced(let message): message
        }
    }
}
