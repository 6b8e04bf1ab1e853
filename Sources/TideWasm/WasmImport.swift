/// One entry of the import section: `(import "module" "name" ...)`.
public struct WasmImport: Sendable, Hashable, CustomStringConvertible {
    public var module: String
    public var name: String
    public var descriptor: Descriptor

    public enum Descriptor: Sendable, Hashable {
        case function(typeIndex: UInt32, signature: FunctionSignature)
        case table(TableType)
        case memory(MemoryType)
        case global(GlobalType)
        case tag(typeIndex: UInt32, signature: FunctionSignature)
    }

    public init(module: String, name: String, descriptor: Descriptor) {
        self.module = module
        self.name = name
        self.descriptor = descriptor
    }

    public var kind: ExternalKind {
        switch descriptor {
        case .function: .function
        case .table: .table
        case .memory: .memory
        case .global: .global
        case .tag: .tag
        }
    }

    /// The signature of an imported function, nil for other kinds.
    public var functionSignature: FunctionSignature? {
        if case .function(_, let signature) = descriptor { signature } else { nil }
    }

    /// `module.name`, the usual way to name a host function in messages.
    public var qualifiedName: String { "\(module).\(name)" }

    public var watDescription: String {
        let head = "(import \(quotedWAT(module)) \(quotedWAT(name))"
        switch descriptor {
        case .function(_, let signature):
            let clauses = signature.watClauses
            return "\(head) (func\(clauses.isEmpty ? "" : " " + clauses)))"
        case .table(let type): return "\(head) \(type.watDescription))"
        case .memory(let type): return "\(head) \(type.watDescription))"
        case .global(let type): return "\(head) \(type.watDescription))"
        case .tag(_, let signature):
            let clauses = signature.watClauses
            return "\(head) (tag\(clauses.isEmpty ? "" : " " + clauses)))"
        }
    }

    public var description: String { watDescription }
}
