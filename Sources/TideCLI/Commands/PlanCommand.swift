import ArgumentParser
import Foundation
import TideModel

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show where a manifest's steps would run, and why other devices were rejected (a dry run).",
        discussion: "The manifest is YAML or JSON (docs/manifests.md). Nothing is stored or deployed.")

    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The manifest file.", valueName: "file")) var file: String

    func run() async throws {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw CLIFailure("cannot read \(file): \(error.localizedDescription)")
        }
        let fileName = URL(fileURLWithPath: file).lastPathComponent
        let client = try client.client()
        let answer = try await call {
            try await client.plan(manifest: bytes, json: file.hasSuffix(".json"), fileName: fileName)
        }
        if output.json { return print(try TideJSON.text(answer)) }
        print(PlanTable.render(answer, names: await DeviceNames.load(client)))
    }
}
