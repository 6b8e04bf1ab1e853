import Foundation
import Logging
import TidePackageFormat

/// Loads the packages of a directory such as the repository's `registry/` into an empty
/// registry, so a fresh server is useful at once. Each subdirectory with a package.yaml is a
/// package version; dependencies are published before the packages that need them.
enum BundledRegistry {
    static func load(from directory: String, into registry: PackageRegistry, logger: Logger) async -> Int {
        guard await registry.isEmpty else { return 0 }
        let fileManager = FileManager.default
        guard let names = try? fileManager.contentsOfDirectory(atPath: directory) else {
            logger.info("no bundled registry at \(directory); starting with an empty package registry")
            return 0
        }
        var pending: [(String, [String: [UInt8]])] = []
        for name in names.sorted() where fileManager.fileExists(atPath: "\(directory)/\(name)/\(PackageManifest.fileName)") {
            do {
                pending.append((name, try PackageDirectory.read(at: "\(directory)/\(name)").files))
            } catch {
                logger.warning("skipping bundled package \(name): \(error)")
            }
        }
        var published = 0
        var lastErrors: [String: String] = [:]
        while !pending.isEmpty {
            var progressed = false
            var remaining: [(String, [String: [UInt8]])] = []
            for (name, files) in pending {
                do {
                    _ = try await registry.publish(files: files, source: "the bundled registry")
                    published += 1
                    progressed = true
                } catch {
                    lastErrors[name] = error.description
                    remaining.append((name, files))
                }
            }
            pending = remaining
            if !progressed { break }
        }
        for (name, _) in pending {
            logger.warning("bundled package \(name) was not published: \(lastErrors[name] ?? "unknown error")")
        }
        logger.notice("loaded \(published) package versions from \(directory)")
        return published
    }
}
