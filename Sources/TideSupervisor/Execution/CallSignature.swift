import TideModel
import WasmKit

/// How an HTTP call maps onto an export: which request fields become which Wasm parameters and
/// what the result is, derived from the export's type and the endpoint the deployment declared.
public struct CallSignature: Sendable, Equatable {
    public enum ParameterKind: Sendable, Equatable {
        case scalar(ValueType)
        /// `(i32 pointer, i32 length)` into memory written through the module's `alloc`.
        case bytes
    }

    public struct Parameter: Sendable, Equatable {
        /// `param<i>`, then the declared name and description, in the order they are looked up.
        public var names: [String]
        public var kind: ParameterKind
    }

    public enum ResultKind: Sendable, Equatable {
        case none
        case scalars([ValueType])
        /// One i64: `(pointer << 32) | length` into the module's memory.
        case bytes
    }

    public var parameters: [Parameter]
    public var result: ResultKind

    public init(parameters: [Parameter], result: ResultKind) {
        self.parameters = parameters
        self.result = result
    }

    public init(function: String, type: FunctionType, endpoint: DeploymentNode.Endpoint?) throws(SupervisorError) {
        let declared = endpoint?.request?.parameters ?? []
        var parameters: [Parameter] = []
        var cursor = 0
        let wasm = type.parameters
        for (index, parameter) in declared.enumerated() {
            var names = ["param\(index)"]
            for alias in [parameter.name, parameter.description].compactMap({ $0 }) where !names.contains(alias) {
                if alias == parameter.name || SafeName.isValid(alias) { names.append(alias) }
            }
            if Self.isBinary(parameter.schema) {
                guard cursor + 1 < wasm.count, wasm[cursor] == .i32, wasm[cursor + 1] == .i32 else {
                    throw .deployFailed(
                        "\(function): parameter \(parameter.name) is bytes, but the export does not take (i32 pointer, i32 length) there")
                }
                parameters.append(Parameter(names: names, kind: .bytes))
                cursor += 2
            } else {
                guard cursor < wasm.count else {
                    throw .deployFailed("\(function): the endpoint declares more parameters than the export takes")
                }
                parameters.append(Parameter(names: names, kind: .scalar(wasm[cursor])))
                cursor += 1
            }
        }
        while cursor < wasm.count {
            parameters.append(Parameter(names: ["param\(parameters.count)"], kind: .scalar(wasm[cursor])))
            cursor += 1
        }
        for parameter in parameters {
            if case .scalar(let type) = parameter.kind, ArgumentCaster.numericType(type) == nil {
                throw .deployFailed("\(function): parameters of type \(type) cannot be passed over HTTP")
            }
        }
        self.parameters = parameters

        let resultIsBinary =
            Self.isBinary(endpoint?.response?.schema)
            || (endpoint?.response?.media_type.map { !$0.contains("json") && !$0.hasPrefix("text/") } ?? false)
        if type.results.isEmpty {
            result = .none
        } else if resultIsBinary {
            guard type.results == [.i64] else {
                throw .deployFailed("\(function): a bytes result must be one i64 ((pointer << 32) | length)")
            }
            result = .bytes
        } else {
            for type in type.results where ArgumentCaster.numericType(type) == nil {
                throw .deployFailed("\(function): results of type \(type) cannot be returned over HTTP")
            }
            result = .scalars(type.results)
        }
    }

    public var takesBytes: Bool { parameters.contains { $0.kind == .bytes } }

    static func isBinary(_ schema: JSONValue?) -> Bool {
        guard let schema else { return false }
        let type = schema["type"]?.stringValue
        return type == "bytes" || (type == "string" && schema["format"]?.stringValue == "binary")
    }
}
