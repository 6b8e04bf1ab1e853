import TideWasm

/// What an import or export refers to.
public enum EntityKind: String, Sendable, Hashable, Codable, CaseIterable {
    case function
    case table
    case memory
    case global
    case tag

    public init(_ kind: ExternalKind) {
        switch kind {
        case .function: self = .function
        case .table: self = .table
        case .memory: self = .memory
        case .global: self = .global
        case .tag: self = .tag
        }
    }

    /// `a function`, `a memory`.
    var withArticle: String { "a \(rawValue)" }
}
