/// The registry ABI for `bytes` results: one i64, `(pointer << 32) | length`.
public enum BytesABI {
    public static func pack(pointer: UInt32, length: UInt32) -> UInt64 {
        (UInt64(pointer) << 32) | UInt64(length)
    }

    public static func unpack(_ value: UInt64) -> (pointer: UInt32, length: UInt32) {
        (UInt32(truncatingIfNeeded: value >> 32), UInt32(truncatingIfNeeded: value))
    }

    /// Whether `[pointer, pointer + length)` lies inside a memory of `memorySize` bytes.
    public static func fits(pointer: UInt32, length: UInt32, memorySize: Int) -> Bool {
        UInt64(pointer) + UInt64(length) <= UInt64(memorySize)
    }
}
