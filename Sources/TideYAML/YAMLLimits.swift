/// Bounds on a YAML (or JSON) document, checked before it is composed into nodes.
public struct YAMLLimits: Sendable, Hashable {
    /// The deepest nesting of lists and mappings accepted. Real manifests and package.yaml files
    /// nest fewer than ten levels; the composer recurses once per level, so this bounds its stack.
    public var maximumDepth: Int

    public static let defaultMaximumDepth = 64

    public init(maximumDepth: Int = YAMLLimits.defaultMaximumDepth) {
        self.maximumDepth = maximumDepth
    }
}
