import TideModel
import TidePackageFormat

/// A run's inputs mapped onto its first steps' parameters (by name, or `param0`...): numbers
/// become query parameters, a bytes input the body of the call, as one step's bytes output is
/// passed to the next. Every input must fit some first step, with the parameter's type.
struct RunArguments: Sendable {
    /// Where a step's bytes come from.
    enum Body: Sendable, Equatable {
        case bytes([UInt8])
        case url(String)
    }

    struct Call: Sendable {
        var query: [(String, String)]
        var body: Body?
    }

    /// By first step's name.
    var calls: [String: Call]

    init(roots: [(step: ManifestStep, function: PackageFunction)], inputs: RunInputs) throws(DeploymentError) {
        var accepted: Set<String> = []
        for (_, function) in roots {
            for (index, parameter) in function.parameters.enumerated() {
                accepted.insert(parameter.name)
                accepted.insert("param\(index)")
            }
        }
        let unknown = Set(inputs.inputs.keys).subtracting(accepted).sorted()
        if !unknown.isEmpty {
            let names = roots.flatMap { $0.function.parameters.map(\.name) }
            throw .badRequest(
                "unknown input(s) \(unknown.joined(separator: ", ")); the first step(s) take: \(names.isEmpty ? "nothing" : names.joined(separator: ", "))")
        }
        var calls: [String: Call] = [:]
        for (step, function) in roots {
            var call = Call(query: [], body: nil)
            for (index, parameter) in function.parameters.enumerated() {
                let key = inputs.inputs[parameter.name] != nil ? parameter.name : "param\(index)"
                guard let input = inputs.inputs[key] else {
                    throw .badRequest(
                        "step \(step.name) (\(step.package).\(step.function)) needs the input \(parameter.name) (\(parameter.type.rawValue))")
                }
                switch (parameter.type, input) {
                case (.bytes, .bytes(let bytes)):
                    guard call.body == nil else { throw Self.secondBytes(step, parameter) }
                    call.body = .bytes(bytes)
                case (.bytes, .url(let url)):
                    guard call.body == nil else { throw Self.secondBytes(step, parameter) }
                    call.body = .url(url)
                case (.bytes, .number):
                    throw .badRequest(
                        #"input \#(key) is bytes for step \#(step.name) (\#(parameter.name)): upload a file (tide run \#(key)=@FILE, or multipart/form-data) or give {"url": "http://..."}, not a number"#)
                case (_, .number(let number)):
                    call.query.append(("param\(index)", number.text))
                case (_, .bytes), (_, .url):
                    throw .badRequest("input \(key) must be a number for step \(step.name) (\(parameter.name): \(parameter.type.rawValue)), not bytes")
                }
            }
            calls[step.name] = call
        }
        self.calls = calls
    }

    private static func secondBytes(_ step: ManifestStep, _ parameter: PackageFunction.Parameter) -> DeploymentError {
        .badRequest("step \(step.name) takes more than one bytes parameter (\(parameter.name)); a run passes one bytes input per first step")
    }
}
