import Foundation
import TideLiquid

/// The files a module wrote in its own directory, as a snapshot carries them: regular files only
/// (links and other entries are left out), never followed outside the directory, within the
/// snapshot's limits. The package's own files (its mounts) come with the package and are left out.
enum InstanceFiles {
    static func read(_ directory: String, excluding packageFiles: Set<String>, limits: SnapshotLimits)
        throws(SnapshotError) -> [SnapshotFile]
    {
        var files: [SnapshotFile] = []
        var total = 0
        try walk(directory, relative: "", depth: 1) { (path: String, full: String, size: Int) throws(SnapshotError) in
            guard !packageFiles.contains(path) else { return }
            guard files.count < limits.maxFiles else {
                throw .tooLarge("its directory holds more than \(limits.maxFiles) files")
            }
            guard size <= limits.maxFileBytes - total else { throw .tooLarge("its files hold more than \(limits.maxFileBytes) bytes") }
            guard let data = FileManager.default.contents(atPath: full), data.count == size else {
                throw .incompatible("its file \(path.prefix(80)) changed while it was read")
            }
            total += size
            files.append(SnapshotFile(path: path, bytes: [UInt8](data)))
        }
        return files.sorted { $0.path < $1.path }
    }

    private static func walk(
        _ directory: String, relative: String, depth: Int,
        _ visit: (_ path: String, _ full: String, _ size: Int) throws(SnapshotError) -> Void
    ) throws(SnapshotError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            return
        }
        for name in names {
            let full = directory + "/" + name
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(full, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                guard SnapshotFile.problem(with: path) == nil else {
                    throw .incompatible("its file \(path.prefix(80)) has a name a snapshot cannot carry")
                }
                try visit(path, full, Int(info.st_size))
            case S_IFDIR:
                guard depth < SnapshotLimits.maxPathDepth else {
                    throw .incompatible("its directory nests more than \(SnapshotLimits.maxPathDepth) levels deep")
                }
                try walk(full, relative: path, depth: depth + 1, visit)
            default:
                continue
            }
        }
    }

    /// Writes the files into `directory` (a fresh instance's), creating their directories. Every
    /// path is checked first; a path that meets a link or a file where a directory belongs is
    /// refused. On failure the files written are removed again.
    static func write(_ files: [SnapshotFile], into directory: String) throws(SnapshotError) {
        for file in files {
            if let problem = SnapshotFile.problem(with: file.path) { throw .damaged(problem) }
        }
        var written: [String] = []
        do throws(SnapshotError) {
            for file in files {
                let components = file.path.split(separator: "/").map(String.init)
                var current = directory
                for component in components.dropLast() {
                    current += "/" + component
                    var info = stat()
                    if lstat(current, &info) == 0 {
                        guard info.st_mode & S_IFMT == S_IFDIR else {
                            throw .incompatible("\(file.path.prefix(80)) meets \(component), which is not a directory here")
                        }
                    } else if mkdir(current, 0o755) != 0 {
                        throw .incompatible("cannot create the directory of \(file.path.prefix(80))")
                    }
                }
                let target = directory + "/" + file.path
                var info = stat()
                if lstat(target, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                    throw .incompatible("\(file.path.prefix(80)) exists here and is not a regular file")
                }
                do {
                    try Data(file.bytes).write(to: URL(fileURLWithPath: target), options: .atomic)
                } catch {
                    throw .incompatible("cannot write \(file.path.prefix(80)): \(error.localizedDescription)")
                }
                written.append(target)
            }
        } catch {
            for path in written { try? FileManager.default.removeItem(atPath: path) }
            throw error
        }
    }
}
