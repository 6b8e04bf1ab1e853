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
        let answer = try await call { try await client.client().plan(manifest: bytes, json: file.hasSuffix(".json")) }
        if output.json { return print(try Formatting.json(answer)) }
        var table = Table(header: ["STEP", "PACKAGE", "DEVICE", "SCORE", "REJECTED"])
        for placement in answer.plan.steps {
            let pin = answer.pins.first { $0.step == placement.step }
            let reasons = Dictionary(grouping: placement.rejected, by: \.reason)
                .map { reason, devices in "\(devices.count) \(devices.count == 1 ? reason.singular : reason.plural)" }
                .sorted()
            table.rows.append([
                placement.step, pin.map { "\($0.package)@\($0.version)" } ?? "-", placement.device.rawValue,
                String(format: "%.2f", placement.score), reasons.isEmpty ? "-" : reasons.joined(separator: "; "),
            ])
        }
        print(table.render())
    }
}
