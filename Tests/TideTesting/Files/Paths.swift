import Foundation
import Synchronization

enum Repository {
    /// The repository's root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let registry = root + "/registry"
}

enum TemporaryDirectory {
    /// The directories made so far, removed when the test process exits (unless
    /// `TIDE_TEST_KEEP_DIRS` is set, to look at what a failed test left).
    private static let made = Mutex<[String]>([])
    private static let removeAtExit: Void = {
        guard ProcessInfo.processInfo.environment["TIDE_TEST_KEEP_DIRS"] == nil else { return }
        atexit { TemporaryDirectory.removeAll() }
    }()

    /// A new, empty directory under the system's temporary directory.
    static func make(_ label: String = "test") -> String {
        removeAtExit
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tide-\(label)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        made.withLock { $0.append(path) }
        return path
    }

    /// A path under the system's temporary directory for a file of the test's, removed with the directories.
    static func file(_ label: String, extension ext: String) -> String {
        removeAtExit
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tide-\(label)-\(UUID().uuidString).\(ext)").path
        made.withLock { $0.append(path) }
        return path
    }

    private static func removeAll() {
        for path in made.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}

