/// A blob store failure, with the file it concerns.
public struct BlobStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// A system call failed; the operating system's explanation.
        case system(call: String, message: String)
        case notFound
        case corrupted(expected: BlobDigest, actual: BlobDigest)
    }

    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .system(let call, let message): "blob store: \(call) \(path): \(message)"
        case .notFound: "blob store: \(path) does not exist"
        case .corrupted(let expected, let actual):
            "blob store: \(path) is corrupted: its content hashes to \(actual), not \(expected)"
        }
    }
}
