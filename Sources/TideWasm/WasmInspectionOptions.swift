/// Limits and leniencies of an inspection.
public struct WasmInspectionOptions: Sendable, Hashable {
    public static let defaultMaximumInputSize = 64 * 1024 * 1024

    /// Inputs larger than this are rejected before any parsing.
    public var maximumInputSize: Int
    /// Record and skip sections with ids the binary format does not define, instead of rejecting them.
    public var skipsUnknownSections: Bool

    public init(maximumInputSize: Int = defaultMaximumInputSize, skipsUnknownSections: Bool = false) {
        self.maximumInputSize = maximumInputSize
        self.skipsUnknownSections = skipsUnknownSections
    }
}
