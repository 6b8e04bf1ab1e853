import TideModel

/// What a call request carried: query parameters, JSON body fields (by name or position),
/// multipart files (by field name) and a raw body.
public struct CallInputs: Sendable, Equatable {
    public var query: [String: String]
    public var named: [String: String]
    public var positional: [String]
    public var files: [String: [UInt8]]
    public var rawBody: [UInt8]?

    public init(
        query: [String: String] = [:], named: [String: String] = [:], positional: [String] = [],
        files: [String: [UInt8]] = [:], rawBody: [UInt8]? = nil
    ) {
        self.query = query
        self.named = named
        self.positional = positional
        self.files = files
        self.rawBody = rawBody
    }
}

/// Binds a request's inputs to an export's parameters and the function's execution mounts.
public enum ArgumentBinder {
    public struct Bound: Sendable, Equatable {
        public var arguments: [ModuleInstance.Argument]
        public var files: ModuleInstance.Files
    }

    public static func bind(
        _ inputs: CallInputs, to signature: CallSignature, mounts: DeploymentNode.MountStages
    ) throws(SupervisorError) -> Bound {
        let executionMounts = mounts.execution.map(\.path)
        var usedFiles: Set<String> = []
        var usedRawBody = false
        var arguments: [ModuleInstance.Argument] = []
        for (index, parameter) in signature.parameters.enumerated() {
            let label = parameter.names.count > 1 ? "\(parameter.names[0]) (\(parameter.names[1]))" : parameter.names[0]
            switch parameter.kind {
            case .scalar(let type):
                guard let text = scalarText(for: parameter.names, index: index, in: inputs) else {
                    throw .badRequest("missing parameter \(label): send it in the query, e.g. ?\(parameter.names[0])=...")
                }
                arguments.append(.scalar(try ArgumentCaster.cast(text, to: type, name: label)))
            case .bytes:
                if let name = (parameter.names + executionMounts).first(where: { inputs.files[$0] != nil && !usedFiles.contains($0) }),
                    let bytes = inputs.files[name]
                {
                    usedFiles.insert(name)
                    arguments.append(.bytes(bytes))
                } else if inputs.files.count == 1, let (name, bytes) = inputs.files.first, !usedFiles.contains(name) {
                    usedFiles.insert(name)
                    arguments.append(.bytes(bytes))
                } else if let body = inputs.rawBody, !usedRawBody {
                    usedRawBody = true
                    arguments.append(.bytes(body))
                } else {
                    throw .badRequest(
                        "missing bytes parameter \(label): POST it as the body or as a multipart file named \(parameter.names[0])")
                }
            }
        }
        var mountInputs: [String: [UInt8]] = [:]
        for (name, bytes) in inputs.files {
            if executionMounts.contains(name) {
                mountInputs[name] = bytes
            } else if !usedFiles.contains(name) {
                throw .badRequest("unexpected file \"\(name.prefix(64))\": this function's execution mounts are \(executionMounts)")
            }
        }
        for mount in executionMounts where mountInputs[mount] == nil && !usedFiles.contains(mount) {
            throw .badRequest("missing file \(mount): send it as a multipart file of that name")
        }
        return Bound(arguments: arguments, files: .init(inputs: mountInputs, outputs: mounts.output.map(\.path)))
    }

    private static func scalarText(for names: [String], index: Int, in inputs: CallInputs) -> String? {
        for name in names {
            if let value = inputs.query[name] ?? inputs.named[name] { return value }
        }
        return index < inputs.positional.count ? inputs.positional[index] : nil
    }
}
