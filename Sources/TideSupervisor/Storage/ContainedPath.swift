import Foundation

/// A file inside a directory the supervisor owns, reached only through a validated name and never
/// through a symbolic link.
public struct ContainedPath: Sendable, Equatable {
    public let directory: String
    public let name: String

    public init(directory: String, name: String) throws(SupervisorError) {
        self.directory = directory
        self.name = try SafeName.check(name, as: "file name")
    }

    public var path: String { directory + "/" + name }

    /// Whether the entry exists and is a regular file (not a link, not a directory).
    public var isRegularFile: Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether nothing, or only a regular file, is at the path: a symlink planted by a guest is refused.
    public var isFreeOrRegular: Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return true }
        return (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The file's bytes, refusing anything that is not a regular file of at most `limit` bytes.
    public func read(limit: Int) throws(SupervisorError) -> [UInt8] {
        guard isRegularFile else { throw .notFound("no file \"\(name)\"") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .notFound("no file \"\(name)\"") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
        guard data.count <= limit else { throw .tooLarge("file \"\(name)\" is larger than \(limit) bytes") }
        return [UInt8](data)
    }

    /// Writes atomically through a temporary file; refuses to replace a link or directory.
    public func write(_ bytes: [UInt8]) throws(SupervisorError) {
        guard isFreeOrRegular else { throw .badRequest("\"\(name)\" is not a regular file") }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .internalFailure("cannot write a file: \(error.localizedDescription)")
        }
    }
}
