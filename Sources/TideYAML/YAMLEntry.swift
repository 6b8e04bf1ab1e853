import Yams

/// One `key: value` pair of a YAML mapping, with the line of its key.
public struct YAMLEntry {
    public let key: String
    public let keyLine: Int?
    public let value: Node
}
