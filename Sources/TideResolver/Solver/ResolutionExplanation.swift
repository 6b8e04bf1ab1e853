/// Why version solving failed, in PubGrub's style: one line per derivation step, numbered lines
/// where a later step refers back to them.
public struct ResolutionExplanation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var lines: [String]

    public init(lines: [String]) {
        self.lines = lines
    }

    public var description: String { lines.joined(separator: "\n") }
}
