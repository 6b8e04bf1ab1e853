import TideWasm

/// A function the module exports and Tide may call over HTTP.
public struct PackageFunction: Sendable, Hashable, Codable {
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        case get
        case post
    }

    public struct Parameter: Sendable, Hashable, Codable {
        public var name: String
        public var type: PackageValueType

        public init(name: String, type: PackageValueType) {
            self.name = name
            self.type = type
        }
    }

    /// The export name.
    public var name: String
    public var method: Method
    public var description: String?
    /// In call order.
    public var parameters: [Parameter]
    /// Nil when the function returns nothing (`result: none`).
    public var result: PackageValueType?
    /// `result-labels`: the name of one of the package's `files` holding a label per line, the
    /// label of result `n` on line `n + 1`. Only with an integer result.
    public var resultLabels: String?

    public init(
        name: String, method: Method = .get, description: String? = nil,
        parameters: [Parameter] = [], result: PackageValueType? = nil, resultLabels: String? = nil
    ) {
        self.name = name
        self.method = method
        self.description = description
        self.parameters = parameters
        self.result = result
        self.resultLabels = resultLabels
    }

    /// The Wasm type the export must have under Tide's ABI.
    public var wasmSignature: FunctionSignature {
        FunctionSignature(
            parameters: parameters.flatMap(\.type.wasmParameters),
            results: result?.wasmResults ?? []
        )
    }

    public var takesBytes: Bool { parameters.contains { $0.type == .bytes } }

    public var returnsBytes: Bool { result == .bytes }
}
