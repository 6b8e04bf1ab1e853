import TideWasm

/// A ``FunctionSignature`` that can be stored as JSON: `{"parameters":["i32","i32"],"results":["i64"]}`.
public struct CodableSignature: Sendable, Hashable, Codable, CustomStringConvertible {
    public var signature: FunctionSignature

    public init(_ signature: FunctionSignature) {
        self.signature = signature
    }

    private enum CodingKeys: String, CodingKey {
        case parameters
        case results
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let parameters = try Self.valueTypes(container.decode([String].self, forKey: .parameters), in: container, .parameters)
        let results = try Self.valueTypes(container.decode([String].self, forKey: .results), in: container, .results)
        signature = FunctionSignature(parameters: parameters, results: results)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(signature.parameters.map(\.watName), forKey: .parameters)
        try container.encode(signature.results.map(\.watName), forKey: .results)
    }

    public var description: String { signature.watDescription }

    private static func valueTypes(
        _ names: [String], in container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys
    ) throws -> [ValueType] {
        try names.map { name in
            guard let type = ValueType.allCases.first(where: { $0.watName == name }) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "\"\(name)\" is not a Wasm value type")
            }
            return type
        }
    }
}

extension FunctionSignature {
    /// `(param i64) (result i64)`, or `(no parameters, no result)` for the empty type.
    var clausesForMessages: String {
        let clauses = watClauses
        return clauses.isEmpty ? "(no parameters, no result)" : clauses
    }
}
