/// A function type: parameter and result types (several results with multi-value).
public struct FunctionSignature: Sendable, Hashable, CustomStringConvertible {
    public var parameters: [ValueType]
    public var results: [ValueType]

    public init(parameters: [ValueType] = [], results: [ValueType] = []) {
        self.parameters = parameters
        self.results = results
    }

    /// The parameter and result clauses in WAT style, e.g. `(param i64) (result i64)`;
    /// empty for a function that takes and returns nothing.
    public var watClauses: String {
        var clauses: [String] = []
        if !parameters.isEmpty {
            clauses.append("(param " + parameters.map(\.watName).joined(separator: " ") + ")")
        }
        if !results.isEmpty {
            clauses.append("(result " + results.map(\.watName).joined(separator: " ") + ")")
        }
        return clauses.joined(separator: " ")
    }

    /// The whole type in WAT style, e.g. `(func (param i64) (result i64))` or `(func)`.
    public var watDescription: String {
        let clauses = watClauses
        return clauses.isEmpty ? "(func)" : "(func \(clauses))"
    }

    public var description: String { watDescription }
}
