/// Why an uploaded archive cannot be a package, naming the entry at fault.
public struct PackageArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        case empty
        case truncated(needed: Int, available: Int)
        case notATarHeader(offset: Int)
        case invalidNumber(field: String)
        case invalidExtendedHeader(String)
        case extendedHeaderWithoutEntry
        case pathNotUTF8
        case invalidPath(PackagePath.Problem)
        case link(kind: String, target: String)
        case special(kind: String)
        case unsupportedType(UInt8)
        case duplicate
        case parentIsAFile(String)
        case tooLarge(limit: Int)
        case tooManyFiles(limit: Int)
        case pathTooLong(limit: Int)
    }

    /// The entry's path as written in the archive, nil for problems of the archive as a whole.
    public var entry: String?
    public var reason: Reason

    public init(entry: String?, reason: Reason) {
        self.entry = entry
        self.reason = reason
    }

    public var description: String {
        let subject = entry.map { "archive entry \"\($0)\"" } ?? "archive"
        switch reason {
        case .empty:
            return "archive contains no files"
        case .truncated(let needed, let available):
            return "\(subject) is truncated: it needs \(needed) more bytes but the upload ends after \(available)"
        case .notATarHeader(let offset):
            return "archive is not a tar file: the block at byte \(offset) is not a valid tar header (checksum mismatch)"
        case .invalidNumber(let field):
            return "\(subject) has an invalid \(field) field"
        case .invalidExtendedHeader(let detail):
            return "\(subject) has an invalid extended header: \(detail)"
        case .extendedHeaderWithoutEntry:
            return "archive ends after an extended header that describes no entry"
        case .pathNotUTF8:
            return "\(subject) has a path that is not UTF-8"
        case .invalidPath(let problem):
            return "\(subject) is not a relative path inside the package: \(problem)"
        case .link(let kind, let target):
            return "\(subject) is a \(kind) to \"\(target)\"; a package holds regular files and folders only"
        case .special(let kind):
            return "\(subject) is a \(kind); a package holds regular files and folders only"
        case .unsupportedType(let flag):
            let shown = (0x21...0x7E).contains(flag) ? "'\(Character(Unicode.Scalar(flag)))'" : "\(flag)"
            return "\(subject) has the unsupported tar entry type \(shown); a package holds regular files and folders only"
        case .duplicate:
            return "\(subject) appears more than once"
        case .parentIsAFile(let parent):
            return "\(subject) is inside \"\(parent)\", which is a file"
        case .tooLarge(let limit):
            return "\(subject) takes the package over the size limit of \(limit) bytes"
        case .tooManyFiles(let limit):
            return "\(subject) takes the package over the limit of \(limit) files"
        case .pathTooLong(let limit):
            return "\(subject) has a path longer than \(limit) bytes"
        }
    }
}
