/// What every harness does with libFuzzer's bytes before a parser sees them.
public enum FuzzInput {
    /// Larger inputs are skipped. The server's own bounds are larger (1 MiB JSON bodies, 64 MiB
    /// packages); the cap keeps each execution short so that a run covers more ground.
    public static let maximumSize = 64 * 1024

    /// The input as bytes, or nil when it is larger than ``maximumSize``.
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8]? {
        guard size <= maximumSize else { return nil }
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Stops the run when a property the parser promises does not hold: libFuzzer reports it as
    /// a crash and saves the input.
    public static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("fuzz property violated: \(message())") }
    }
}
