/// Why a snapshot was refused: when decoding (damaged, too large) or restoring (another module,
/// too much memory for the target).
public enum SnapshotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not a whole, unchanged snapshot.
    case damaged(String)
    /// Larger than the limits allow.
    case tooLarge(String)
    /// It belongs to another module or version.
    case otherModule(String)
    /// The instance cannot take it (its memory cannot grow to the snapshot's, or a global differs).
    case incompatible(String)
    /// A delta's base is not where it is needed (not kept by the instance, not staged on the device).
    case missingBase(String)

    public var description: String {
        switch self {
        case .damaged(let text): "snapshot refused: \(text)"
        case .tooLarge(let text): "snapshot refused: \(text)"
        case .otherModule(let text): "snapshot refused: \(text)"
        case .incompatible(let text): "snapshot refused: \(text)"
        case .missingBase(let text): "no snapshot base: \(text)"
        }
    }
}
