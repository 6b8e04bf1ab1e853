/// One entry of the export section, with functions resolved to their signatures.
public struct WasmExport: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var descriptor: Descriptor

    /// What the export refers to. Indices are in the module's index spaces, where imported
    /// entities come before defined ones.
    public enum Descriptor: Sendable, Hashable {
        case function(index: UInt32, signature: FunctionSignature)
        case table(index: UInt32)
        case memory(index: UInt32, type: MemoryType)
        case global(index: UInt32)
        case tag(index: UInt32)
    }

    public init(name: String, descriptor: Descriptor) {
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

    public var index: UInt32 {
        switch descriptor {
        case .function(let index, _), .table(let index), .memory(let index, _),
             .global(let index), .tag(let index):
            index
        }
    }

    /// The signature of an exported function, nil for other kinds.
    public var functionSignature: FunctionSignature? {
        if case .function(_, let signature) = descriptor { signature } else { nil }
    }

    public var watDescription: String {
        "(export \(quotedWAT(name)) (\(kind.watName) \(index)))"
    }

    public var description: String { watDescription }
}
