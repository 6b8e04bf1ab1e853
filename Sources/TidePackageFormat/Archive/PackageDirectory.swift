import Foundation

/// Reads a package directory from disk for publishing: package.yaml, the module and the data
/// files it names, nothing else (sources and build products stay home).
public enum PackageDirectory {
    public static func read(at directory: String) throws(PackageDirectoryError) -> PackageArchive {
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        let yaml = try contents(of: PackageManifest.fileName, in: root)
        let manifest: PackageManifest
        do {
            manifest = try PackageManifest(yaml: yaml)
        } catch {
            throw .invalidManifest(error)
        }
        var files = [PackageManifest.fileName: yaml]
        var missing: [String] = []
        for path in manifest.namedPaths {
            do {
                files[path] = try contents(of: path, in: root)
            } catch .missing {
                missing.append(path)
            }
        }
        if !missing.isEmpty { throw .missingFiles(directory: directory, paths: missing) }
        return PackageArchive(files: files)
    }

    private static func contents(of path: String, in root: URL) throws(PackageDirectoryError) -> [UInt8] {
        let url = root.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else { throw .missing(url.path) }
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw .unreadable(path: url.path, message: error.localizedDescription)
        }
    }
}

/// Why a package directory cannot be published.
public enum PackageDirectoryError: Error, Sendable, Hashable, CustomStringConvertible {
    case missing(String)
    case unreadable(path: String, message: String)
    case invalidManifest(PackageManifestError)
    case missingFiles(directory: String, paths: [String])

    public var description: String {
        switch self {
        case .missing(let path): "\(path) does not exist"
        case .unreadable(let path, let message): "cannot read \(path): \(message)"
        case .invalidManifest(let error): error.description
        case .missingFiles(let directory, let paths):
            "package.yaml names files that are not in \(directory): " + paths.joined(separator: ", ")
        }
    }
}
