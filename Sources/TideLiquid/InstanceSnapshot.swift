import Foundation
import TidePackageFormat

/// The state of a module instance between two calls: its linear memory and its exported mutable
/// globals, with the module it belongs to. A stateful step moves as one of these: taken on the old
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

    public static let pageBytes = 65_536

    public init(module: String, moduleDigest: BlobDigest, takenAt: Date, memory: [UInt8], globals: [String: SnapshotGlobal]) {
        self.module = module
        self.moduleDigest = moduleDigest
        self.takenAt = takenAt
        self.memory = memory
        self.globals = globals
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
