/// The state of a stored blob, as found by ``BlobStore/verify(_:)``.
public enum BlobVerification: Sendable, Hashable {
    case intact
    case missing
    case corrupted(actual: BlobDigest)
}
