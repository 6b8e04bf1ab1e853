import TideWasm

/// Checks of declared functions against a module's exports.
struct ModuleExports {
    let info: WasmModuleInfo
    let modulePath: String

    static let allocSignature = FunctionSignature(parameters: [.i32], results: [.i32])

    func functionProblems(_ functions: [PackageFunction]) -> [PackageProblem] {
        functions.compactMap { function in
            guard let export = info.export(named: function.name) else {
                let names = info.functionExports.map(\.name)
                let list = names.isEmpty ? "it exports no functions" : "exports: " + names.joined(separator: ", ")
                return PackageProblem(.functionNotExported,
                    "function \(function.name) is declared but \(modulePath) does not export it (\(list))")
            }
            guard let actual = export.functionSignature else {
                return PackageProblem(.functionNotAFunction,
                    "function \(function.name) is declared but \(modulePath) exports \(function.name) as "
                    + "\(EntityKind(export.kind).withArticle), not a function")
            }
            let expected = function.wasmSignature
            guard actual != expected else { return nil }
            var message = "function \(function.name): package.yaml declares \(expected.clausesForMessages) "
                + "but \(modulePath) exports \(actual.clausesForMessages)"
            if function.takesBytes || function.returnsBytes {
                message += " (a bytes parameter is two i32, pointer and length; a bytes result is one i64, "
                    + "pointer << 32 | length)"
            }
            return PackageProblem(.functionTypeMismatch, message)
        }
    }

    func bytesProblems(_ functions: [PackageFunction]) -> [PackageProblem] {
        var problems: [PackageProblem] = []
        if let taker = functions.first(where: \.takesBytes) {
            let requirement = "function \(taker.name) takes bytes, so \(modulePath) must export "
                + "alloc \(Self.allocSignature.clausesForMessages)"
            switch info.export(named: "alloc") {
            case nil:
                problems.append(PackageProblem(.allocMissing, "\(requirement); it does not export alloc"))
            case let export? where export.functionSignature == nil:
                problems.append(PackageProblem(.allocMissing,
                    "\(requirement); its alloc is \(EntityKind(export.kind).withArticle)"))
            case let export?:
                if let signature = export.functionSignature, signature != Self.allocSignature {
                    problems.append(PackageProblem(.allocMissing,
                        "\(requirement); its alloc is \(signature.clausesForMessages)"))
                }
            }
        }
        let memoryUser: (verb: String, function: PackageFunction)? =
            if let taker = functions.first(where: \.takesBytes) { ("takes", taker) }
            else if let returner = functions.first(where: \.returnsBytes) { ("returns", returner) }
            else { nil }
        if let (verb, function) = memoryUser {
            let requirement = "function \(function.name) \(verb) bytes, so \(modulePath) must export its memory as \"memory\""
            switch info.export(named: "memory") {
            case nil:
                problems.append(PackageProblem(.memoryNotExported, requirement))
            case let export? where export.kind != .memory:
                problems.append(PackageProblem(.memoryNotExported,
                    "\(requirement); its export \"memory\" is \(EntityKind(export.kind).withArticle)"))
            default:
                break
            }
        }
        return problems
    }
}
