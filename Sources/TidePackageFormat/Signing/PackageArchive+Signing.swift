import TideModel
import TideSigning

extension PackageArchive {
    /// What a publisher signs for these files: package.yaml's name and version, and the SHA-256 of
    /// package.yaml, of the module and of each data file it names. Files it does not name (and
    /// package.sig itself) are not covered; the server refuses them anyway.
    public func statement() throws(SigningError) -> PackageStatement {
        guard let yaml = files[PackageManifest.fileName] else {
            throw SigningError("there is no \(PackageManifest.fileName) to sign")
        }
        let manifest: PackageManifest
        do {
            manifest = try PackageManifest(yaml: yaml)
        } catch {
            throw SigningError("\(PackageManifest.fileName) is not valid: \(error.lines.joined(separator: "; "))")
        }
        guard let module = files[manifest.module] else { throw SigningError("the module \(manifest.module) is missing") }
        var data: [String: String] = [:]
        for file in manifest.files {
            guard let bytes = files[file.path] else { throw SigningError("the data file \(file.path) is missing") }
            data[file.name] = BlobDigest(of: bytes).hex
        }
        return PackageStatement(
            name: manifest.name,
            version: SemanticVersion(
                manifest.version.major, manifest.version.minor, manifest.version.patch, prerelease: manifest.version.prerelease
            ).description,
            manifestSHA256: BlobDigest(of: yaml).hex,
            moduleSHA256: BlobDigest(of: module).hex, files: data)
    }

    /// The same files with `package.sig` holding `key`'s signature of their statement.
    public func signed(with key: PublisherSigningKey) throws(SigningError) -> PackageArchive {
        var copy = self
        copy.files[PackageSignatureFile.fileName] = PackageSignatureFile(signatures: [try key.sign(statement())]).bytes
        return copy
    }
}
