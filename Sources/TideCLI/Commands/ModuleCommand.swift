import ArgumentParser
import Foundation
import TideClient
import TideModel
import TidePackageFormat
import TideSigning

struct ModuleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "module",
        abstract: "Publish, list, inspect and yank packages of Wasm modules in the registry.",
        discussion: "A package is a directory with package.yaml and the files it names; see docs/packages.md.",
        subcommands: [Publish.self, List.self, Show.self, Yank.self]
    )

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Publish the package in a directory (package.yaml, the .wasm, data files).",
            discussion: "The server checks the module against package.yaml and its dependencies; versions are immutable once published.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: ArgumentHelp("The package directory.", valueName: "dir")) var directory: String
        @Option(help: ArgumentHelp(
            "Sign it with this private key (tide key create); the signature goes along as package.sig.", valueName: "key-file"))
        var sign: String?

        func run() async throws {
            let archive: [UInt8]
            var package: PackageArchive
            do {
                package = try PackageDirectory.read(at: directory)
            } catch {
                throw CLIFailure("cannot read the package in \(directory): \(error)")
            }
            if let sign {
                do {
                    package = try package.signed(with: try PublisherSigningKey.load(path: sign))
                } catch {
                    throw CLIFailure("cannot sign the package in \(directory): \(error.message)")
                }
            }
            do {
                archive = try package.tar()
            } catch {
                throw CLIFailure("cannot pack the package in \(directory): \(error)")
            }
            let info = try await call { try await client.client().publish(archive: archive) }
            if output.json { return print(try TideJSON.text(info)) }
            print("published \(info.name) \(info.version) (sha256 \(info.module.sha256.prefix(16)), \(info.functions.count) functions)")
            if !info.hostCapabilities.isEmpty {
                print("devices need: \(info.hostCapabilities.joined(separator: ", "))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List packages with their versions.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let packages = try await call { try await client.client().packages() }
            if output.json { return print(try TideJSON.text(PackageList(packages: packages))) }
            var table = Table(header: ["NAME", "LATEST", "VERSIONS", "DESCRIPTION"])
            for package in packages {
                let versions = package.versions.map { package.yanked.contains($0) ? "\($0) (yanked)" : $0 }
                table.rows.append([package.name, package.latest ?? "-", versions.joined(separator: ", "), package.description])
            }
            print(table.render())
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show a package version: functions, imports, dependencies, files.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: ArgumentHelp("A package, optionally with a version (default: the newest not yanked).", valueName: "name[@version]"))
        var package: String

        func run() async throws {
            let parts = package.split(separator: "@", maxSplits: 1).map(String.init)
            let client = try client.client()
            let info: PackageVersionInfo
            if parts.count == 2 {
                info = try await call { try await client.packageVersion(parts[0], parts[1]) }
            } else {
                let detail = try await call { try await client.package(parts[0]) }
                guard let newest = detail.versions.first(where: { !$0.yanked }) ?? detail.versions.first else {
                    throw CLIFailure("\(parts[0]) has no versions")
                }
                info = newest
            }
            if output.json { return print(try TideJSON.text(info)) }
            print(PackageDetails.render(info))
        }
    }

    struct Yank: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "yank",
            abstract: "Yank a version: resolution stops choosing it; an exact =version pin still works.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Flag(help: "Restore a yanked version.") var undo = false
        @Argument(help: ArgumentHelp("The version to yank.", valueName: "name@version")) var package: String

        func run() async throws {
            let parts = package.split(separator: "@", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CLIFailure("give the version to yank as name@version") }
            let info = try await call { try await client.client().setYanked(parts[0], parts[1], yanked: !undo) }
            if output.json { return print(try TideJSON.text(info)) }
            print("\(info.name) \(info.version) is \(info.yanked ? "yanked" : "no longer yanked")")
        }
    }
}

/// The text of `tide module show`.
enum PackageDetails {
    static func render(_ info: PackageVersionInfo) -> String {
        var lines = [
            "name:         \(info.name)",
            "version:      \(info.version)\(info.yanked ? " (yanked)" : "")",
            "description:  \(info.description)",
            "published:    \(TideJSON.formatTimestamp(info.publishedAt))",
            "signed:       \(info.signing.map { signing in signing.signedBy.map { "by \($0)" } ?? "by keys this server does not trust (\(signing.signatures.map(\.key).joined(separator: ", ")))" } ?? "no")",
            "module:       \(info.module.file) (\(Formatting.bytes(UInt64(info.module.size))), sha256 \(info.module.sha256))",
        ]
        if !info.dependencies.isEmpty {
            lines.append("dependencies: " + info.dependencies.keys.sorted().map { "\($0) \(info.dependencies[$0] ?? "")" }.joined(separator: ", "))
        }
        lines.append("needs:        \(info.hostCapabilities.isEmpty ? "(no host capabilities)" : info.hostCapabilities.joined(separator: ", "))")
        lines.append("functions:")
        for function in info.functions {
            let parameters = function.parameters.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
            lines.append("  \(function.method.uppercased()) \(function.name)(\(parameters)) -> \(function.result)")
        }
        if !info.imports.isEmpty {
            lines.append("imports:")
            for item in info.imports { lines.append("  \(item.module).\(item.name) \(item.signature ?? item.kind) <- \(item.satisfiedBy)") }
        }
        if !info.files.isEmpty {
            lines.append("files:")
            for file in info.files { lines.append("  \(file.file) (\(file.path), \(file.mediaType), \(Formatting.bytes(UInt64(file.size))))") }
        }
        return lines.joined(separator: "\n")
    }
}
