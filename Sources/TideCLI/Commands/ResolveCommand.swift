import ArgumentParser
import Foundation
import TideModel
import TideResolver

struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Resolve package requirements to exact versions.",
        discussion: """
            With --index, resolves offline against an index file: {"packages": {"<name>": {"<version>": \
            {"<dependency>": "<range>", ...}, ...}, ...}} (optionally "yanked": {"<name>": ["<version>", ...]}). \
            --all resolves every package@version of the file as its own root (=version) and prints \
            "N resolved, M unsatisfiable in T ms" (loading the file is not timed). Ranges: 1.2.3 and ^1.2 \
            (caret), ~1.2.3 (tilde), =1.2.3, >=1.0, <2.0 (comma = and), * and || (or).
            """)

    @OptionGroup var client: ClientOptions
    @OptionGroup var output: OutputOptions
    @Option(help: ArgumentHelp("Resolve offline against this index file.", valueName: "file")) var index: String?
    @Flag(help: "With --index: resolve every package@version of the index as its own root.") var all = false
    @Argument(help: ArgumentHelp("Requirements.", valueName: "name@range")) var requirements: [String] = []

    func validate() throws {
        if all, index == nil { throw ValidationError("--all needs --index") }
        if all, !requirements.isEmpty { throw ValidationError("give either --all or requirements, not both") }
        if !all, requirements.isEmpty { throw ValidationError("give at least one name@range (or --index FILE --all)") }
    }

    func run() async throws {
        guard let index else {
            return try await resolveOnServer()
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: index))
        } catch {
            throw CLIFailure("cannot read the index \(index): \(error.localizedDescription)")
        }
        let packageIndex: PackageIndex
        do {
            packageIndex = try PackageIndex(json: data)
        } catch {
            throw CLIFailure("\(index): \(error)")
        }
        if all {
            let report = IndexSweep.run(packageIndex, options: .init(includeExplanations: output.json))
            if output.json { return print(try TideJSON.text(report)) }
            return print(report.summary)
        }
        let dependencies = try requirements.map { try RequirementArgument(parsing: $0).dependency }
        let resolver = Resolver(provider: packageIndex.provider)
        do {
            let resolution = try resolver.resolve(dependencies)
            if output.json { return print(try TideJSON.text(resolution)) }
            for package in resolution.packages { print(package.description) }
        } catch {
            throw CLIFailure(ResolveCommand.message(for: error))
        }
    }

    func resolveOnServer() async throws {
        let parsed = try requirements.map { try RequirementArgument(parsing: $0) }
        let answer = try await call {
            try await client.client().resolve(Dictionary(parsed.map { ($0.name, $0.range.description) }, uniquingKeysWith: { _, last in last }))
        }
        if output.json { return print(try TideJSON.text(answer)) }
        var table = Table(header: ["PACKAGE", "VERSION", "SHA256"])
        for package in answer.packages {
            table.rows.append([package.name, package.version + (package.yanked ? " (yanked)" : ""), String(package.moduleDigest.prefix(16))])
        }
        print(table.render())
    }

    static func message(for error: ResolutionError) -> String {
        error.explanation?.lines.joined(separator: "\n") ?? error.description
    }
}
