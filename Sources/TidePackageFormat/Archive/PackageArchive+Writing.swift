extension PackageArchive {
    /// A tar archive of the files, readable by ``init(tar:limits:)``, GNU tar and Python's tarfile.
    /// Paths are normalized first; two that name the same file are an error.
    public func tar() throws(PackageArchiveError) -> [UInt8] {
        var normalized: [String: [UInt8]] = [:]
        for (path, contents) in files {
            switch PackagePath.normalize(path) {
            case .success(let canonical):
                if normalized[canonical] != nil { throw PackageArchiveError(entry: path, reason: .duplicate) }
                normalized[canonical] = contents
            case .failure(let problem):
                throw PackageArchiveError(entry: path, reason: .invalidPath(problem))
            }
        }
        var writer = TarWriter()
        for path in normalized.keys.sorted() {
            writer.appendFile(path: path, contents: normalized[path] ?? [])
        }
        writer.finish()
        return writer.bytes
    }
}
