/// `Duration` in the plain units that timeouts, reports and messages need.
extension Duration {
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    public var inMilliseconds: Double { inSeconds * 1000 }
    public var inMicroseconds: Double { inSeconds * 1_000_000 }
    public var inNanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }

    /// `250 ms`, `1.5 s`, for messages.
    public var secondsText: String {
        let milliseconds = inMilliseconds
        if milliseconds < 1000 { return "\(Int(milliseconds.rounded())) ms" }
        let seconds = milliseconds / 1000
        return seconds.rounded() == seconds ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
