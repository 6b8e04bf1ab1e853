import Foundation
import TidePackageFormat

/// The state of a module instance between two calls: its linear memory, its exported mutable
/// globals and the files in its own directory, with the module it belongs to. A stateful step moves as one of these: taken on the old
/// device with calls paused, restored into a fresh instance of the same module on the new one.
public struct InstanceSnapshot: Sendable, Equatable {
    /// The module's name in its deployment.
    public var module: String
    /// The SHA-256 of the module's bytes: a snapshot restores only into the same module.
    public var moduleDigest: BlobDigest
    /// When it was taken (the device's clock).
    public var takenAt: Date
    /// The linear memory, a whole number of 64 KiB pages (empty for a module without memory).
    public var memory: [UInt8]
    /// The exported mutable globals by export name.
    public var globals: [String: SnapshotGlobal]
    /// The files the module wrote in its own directory, by path relative to it (`a/b.txt`), in
    /// path order.
    public var files: [SnapshotFile]

    public static let pageBytes = 65_536

    public init(
        module: String, moduleDigest: BlobDigest, takenAt: Date, memory: [UInt8], globals: [String: SnapshotGlobal],
        files: [SnapshotFile] = []
    ) {
        self.module = module
        self.moduleDigest = moduleDigest
        self.takenAt = takenAt
        self.memory = memory
        self.globals = globals
        self.files = files
    }
}

/// A file of an instance's own directory.
public struct SnapshotFile: Sendable, Equatable {
    /// Relative to the directory: components of 1-255 bytes, no `.` or `..`, joined by `/`.
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// Why `path` cannot be a file's path inside a directory, or nil when it can.
    public static func problem(with path: String) -> String? {
        guard !path.isEmpty, path.utf8.count <= SnapshotLimits.maxPathBytes else {
            return "a file path must be 1-\(SnapshotLimits.maxPathBytes) bytes"
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard components.count <= SnapshotLimits.maxPathDepth else {
            return "\"\(path.prefix(80))\" is more than \(SnapshotLimits.maxPathDepth) directories deep"
        }
        for component in components {
            guard !component.isEmpty, component != ".", component != "..", component.utf8.count <= 255,
                !component.utf8.contains(0)
            else { return "\"\(path.prefix(80))\" is not a relative path inside the directory" }
        }
        return nil
    }
}

/// The value of a mutable global, as its type and the bits of its value.
public struct SnapshotGlobal: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case i32, i64, f32, f64
    }

    public var kind: Kind
    /// The value's bits (an i32 or f32 in the low 32).
    public var bits: UInt64

    public init(kind: Kind, bits: UInt64) {
        self.kind = kind
        self.bits = kind == .i32 || kind == .f32 ? bits & 0xFFFF_FFFF : bits
    }
}
