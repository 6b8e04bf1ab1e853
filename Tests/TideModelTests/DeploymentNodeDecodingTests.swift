import Foundation
import Testing
import TideModel

@Suite("Deployment node decoding and limits")
struct DeploymentNodeDecodingTests {
    static let digest = String(repeating: "a", count: 64)

    /// A node of `modules` modules (`m0`, `m1`, ...), each with `functions` functions on
    /// `http://127.0.0.1:5000`; `to` gives a step's next endpoint as (url, path).
    static func node(
        modules: Int = 1, functions: Int = 1, parameters: Int = 1, files: Int = 0,
        to: [String: (String, String)] = [:]
    ) -> [UInt8] {
        var moduleList: [String] = []
        var endpoints: [String] = []
        var instructions: [String] = []
        for index in 0..<modules {
            let name = "m\(index)"
            let other = (0..<files).map { #""f\#($0)": "http://o/f\#($0)""# }.joined(separator: ",")
            moduleList.append(#"{"id": "\#(name)", "name": "\#(name)", "urls": {"binary": "http://o/\#(name).wasm", "other": {\#(other)}}, "sha256": "\#(digest)"}"#)
            var functionEndpoints: [String] = []
            var functionInstructions: [String] = []
            for function in 0..<functions {
                let step = "\(name)/f\(function)"
                let parameterList = (0..<parameters).map { #"{"name": "param\#($0)", "in": "query", "required": true, "schema": {"type": "integer"}}"# }
                functionEndpoints.append(
                    #""f\#(function)": {"url": "http://127.0.0.1:5000", "path": "/d/modules/\#(step)", "method": "get", "request": {"parameters": [\#(parameterList.joined(separator: ","))]}, "response": {"media_type": "application/json", "schema": {"type": "integer"}}}"#)
                let next = to[step].map { #"{"url": "\#($0.0)", "path": "\#($0.1)", "method": "get"}"# } ?? "null"
                functionInstructions.append(#""f\#(function)": {"from": null, "to": \#(next)}"#)
            }
            endpoints.append(#""\#(name)": {\#(functionEndpoints.joined(separator: ","))}"#)
            instructions.append(#""\#(name)": {\#(functionInstructions.joined(separator: ","))}"#)
        }
        let text = """
            {"deploymentId": "d", "generation": 1, "modules": [\(moduleList.joined(separator: ","))],
             "endpoints": {\(endpoints.joined(separator: ","))}, "instructions": {"modules": {\(instructions.joined(separator: ","))}}, "mounts": {}}
            """
        return Array(text.utf8)
    }

    func refusal(_ bytes: [UInt8], limits: DeploymentNodeLimits = .init()) -> DeploymentNodeError? {
        do {
            _ = try DeploymentNode.decode(bytes, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func decodesANodeWithinTheLimits() throws {
        let node = try DeploymentNode.decode(Self.node(modules: 3, functions: 2, files: 2), limits: DeploymentNodeLimits())
        #expect(node.deploymentId == "d")
        #expect(node.modules.map(\.name) == ["m0", "m1", "m2"])
        #expect(node.endpoints?["m1"]?["f1"]?.address == "http://127.0.0.1:5000/d/modules/m1/f1")
        #expect(node.modules[0].urls.other?.count == 2)
    }

    @Test func refusesTenThousandModulesNamingTheLimit() {
        let error = refusal(Self.node(modules: 10_000), limits: DeploymentNodeLimits(maxBytes: 16 << 20))
        #expect(error == DeploymentNodeError(
            .invalid, "the node lists 10000 modules, more than the limit of 64 modules per node (tide supervisor --max-node-modules)"))
    }

    @Test func refusesAnOversizedNodeBeforeParsing() {
        let error = refusal(Self.node(modules: 10_000))
        #expect(error?.kind == .tooLarge)
        #expect(error?.message.hasPrefix("the deployment node is ") == true)
        #expect(error?.message.hasSuffix("bytes, more than the limit of 1048576 bytes (tide supervisor --max-node-bytes)") == true)
    }

    @Test func refusesDeepNestingWithoutRecursing() {
        let deep = Array(#"{"deploymentId": "d", "modules": [], "endpoints": "#.utf8) + Array(repeating: UInt8(ascii: "["), count: 100_000)
        #expect(refusal(deep) == DeploymentNodeError(
            .invalid, "the deployment node nests arrays and objects more than 32 deep (at byte 81); that is the limit"))
    }

    @Test func refusesALongString() {
        let text = #"{"deploymentId": "\#(String(repeating: "x", count: 5000))", "modules": []}"#
        #expect(refusal(Array(text.utf8))?.message.hasPrefix(
            "the deployment node has a string longer than the limit of 4096 bytes at byte 17 (\"xxxx") == true)
    }

    @Test func refusesTooManyFunctionsParametersAndFiles() {
        #expect(refusal(Self.node(functions: 65))?.message
            == "endpoints of module m0 list 65 functions, more than the limit of 64 functions per module (tide supervisor --max-node-functions)")
        #expect(refusal(Self.node(parameters: 33))?.message
            == "the endpoint of m0/f0 lists 33 parameters, more than the limit of 32 parameters per function (a fixed limit, see docs/operations.md)")
        #expect(refusal(Self.node(files: 33))?.message
            == "module m0 lists 33 files in urls.other, more than the limit of 32 files per module (a fixed limit, see docs/operations.md)")
    }

    @Test func refusesAStepThatChainsToItself() {
        let bytes = Self.node(to: ["m0/f0": ("http://127.0.0.1:5000/", "/d/modules/m0/f0?x=1")])
        #expect(refusal(bytes)?.message.hasPrefix(
            "step m0/f0 chains to its own endpoint (instructions.modules.m0.f0.to), so every call would call itself again") == true)
        let spelledOtherwise = Self.node(to: ["m0/f0": ("HTTP://127.0.0.1:5000", "d/modules/m0/f0/")])
        #expect(refusal(spelledOtherwise) != nil)
    }

    @Test func refusesALoopOfStepsOnThisDevice() {
        let bytes = Self.node(
            modules: 2, to: ["m0/f0": ("http://127.0.0.1:5000", "/d/modules/m1/f0"), "m1/f0": ("http://127.0.0.1:5000", "/d/modules/m0/f0")])
        #expect(refusal(bytes)?.message.hasPrefix("the steps m0/f0 -> m1/f0 -> m0/f0 chain in a loop on this device") == true)
    }

    @Test func acceptsChainsToOtherStepsAndDevices() throws {
        let bytes = Self.node(
            modules: 2,
            to: [
                "m0/f0": ("http://127.0.0.1:5000", "/d/modules/m1/f0"),
                "m1/f0": ("http://127.0.0.1:5001", "/d/modules/m1/f0"),
            ])
        let node = try DeploymentNode.decode(bytes, limits: DeploymentNodeLimits())
        #expect(node.instructions?.modules?["m0"]?["f0"]?.to?.address == "http://127.0.0.1:5000/d/modules/m1/f0")
    }

    @Test func refusesWhatIsNotANode() {
        #expect(refusal(Array("[1, 2".utf8))?.message.hasPrefix("the deployment node is not valid: invalid JSON") == true)
        #expect(refusal(Array(#"{"modules": []}"#.utf8))?.message == "the deployment node is not valid: missing field deploymentId")
    }
}
