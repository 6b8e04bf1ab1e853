/// A regular file or folder read from a tar archive.
struct TarEntry {
    /// The path as written in the archive, for messages.
    var rawName: String
    /// The canonical package path.
    var path: String
    var isDirectory: Bool
    var contents: [UInt8]
}
