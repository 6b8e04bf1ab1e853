import Foundation

enum Repository {
    /// The repository's root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let registry = root + "/registry"
}

enum TemporaryDirectory {
    /// A new, empty directory under the system's temporary directory.
    static func make(_ label: String = "test") -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tide-\(label)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

