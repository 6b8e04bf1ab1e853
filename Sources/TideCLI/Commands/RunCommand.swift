import ArgumentParser
import Foundation
import TideClient
import TideModel

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a deployed pipeline once and show its result, with each step's device, value and duration.",
        discussion: """
            Inputs are the first steps' arguments by parameter name, as the package declares them (or \
            param0, param1...), with JSON numbers as values: `tide run fibo n=10`. A bytes result is shown \
            as the URL to download it from; a value the package names (result-labels) with its label, \
            e.g. 2 (bright). The result line says which step it is the value of. Exits with 1 when a step failed.
            """)
    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The deployment name.", valueName: "name")) var name: String
    @Argument(help: ArgumentHelp("Inputs of the first steps: a parameter name and a JSON number.", valueName: "key=value"))
    var inputs: [String] = []

    func validate() throws {
        _ = try parsedInputs()
    }

    func parsedInputs() throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for input in inputs {
            guard let equals = input.firstIndex(of: "="), equals != input.startIndex else {
                throw ValidationError("\"\(input)\" is not key=value (e.g. n=10)")
            }
            let key = String(input[..<equals])
            let text = String(input[input.index(after: equals)...])
            guard let number = Self.number(text) else {
                throw ValidationError("\"\(input)\": \"\(text)\" is not a number; inputs are JSON numbers, e.g. \(key)=10 or \(key)=0.5")
            }
            guard result.updateValue(.number(number), forKey: key) == nil else {
                throw ValidationError("\"\(key)\" is given twice")
            }
        }
        return result
    }

    /// `text` as a JSON number (`10`, `-2.5`, `1e3`; integers exact up to 64 bits), nil for anything
    /// else (`0x10`, `inf`, `1.`).
    static func number(_ text: String) -> JSONNumber? {
        JSONNumber(text: text)
    }

    func run() async throws {
        let inputs = try parsedInputs()
        let client = try client.client()
        let result = try await call { try await client.run(name, inputs: inputs) }
        if output.json {
            print(try TideJSON.text(result))
        } else {
            print(RunOutput.render(result, names: await DeviceNames.load(client)))
        }
        if !result.success {
            throw CLIFailure("run of \(result.deployment) failed: \(result.error ?? "a step failed")")
        }
    }
}
