extension UInt32 {
    /// The value as an `Int`, saturated where `Int` is 32 bits wide, so that a bounds check
    /// against a count rejects it instead of trapping on conversion.
    var saturatingInt: Int { Int(exactly: self) ?? Int.max }
}
