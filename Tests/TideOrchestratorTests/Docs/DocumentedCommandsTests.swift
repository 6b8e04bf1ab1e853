import Foundation
import Testing
@testable import TideTesting

/// Every `tide` command shown in README.md and docs/ names subcommands and options that exist.
@Suite("documented commands", .stopsWhatItStarts)
struct DocumentedCommandsTests {
    @Test("the extraction of commands from code blocks")
    func extraction() {
        let text = """
            Some prose with `tide device ls`, not in a block.
            ```
            # a comment
            tide device add 192.0.2.1:5000 --name "a b"   # with a comment
            $ tide supervisor --port 5000 \\
                --token "$(cat .tide/supervisor.token)"
            .build/release/tide dev --port 3100
            tide-bench deploy
            ```
            """
        let commands = DocumentedCommand.all(in: text, file: "x.md")
        #expect(commands.map(\.line) == [4, 5, 7])
        #expect(commands.map(\.words) == [
            ["tide", "device", "add", "192.0.2.1:5000", "--name", "\"a b\""],
            ["tide", "supervisor", "--port", "5000", "--token", "\"$(cat .tide/supervisor.token)\""],
            ["tide", "dev", "--port", "3100"],
        ])
    }

    @Test("every documented command and option exists")
    func documentedCommandsExist() async throws {
        let tree = try await CommandTree.load()
        var files = ["README.md"]
        files += try FileManager.default.contentsOfDirectory(atPath: Repository.root + "/docs")
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        var problems: [String] = []
        var checked = 0
        for file in files {
            let text = try String(contentsOfFile: Repository.root + "/" + file, encoding: .utf8)
            for command in DocumentedCommand.all(in: text, file: file) {
                checked += 1
                if let problem = tree.problem(with: command.words) { problems.append("\(command): \(problem)") }
            }
        }
        #expect(checked > 50, "found only \(checked) documented commands")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}

/// The subcommands and options of `tide`, read from its `--help` texts.
struct CommandTree: Sendable {
    var help: [[String]: String]

    static func load() async throws -> CommandTree {
        var help: [[String]: String] = [:]
        var queue: [[String]] = [[]]
        while let path = queue.popLast() {
            let answer = try await TideProcess.run(path + ["--help"])
            let name = (["tide"] + path).joined(separator: " ")
            guard answer.status == 0, answer.stdout.contains("USAGE: \(name)") else {
                throw HarnessError("\(name) --help failed or shows another command: \(answer.stdout) \(answer.stderr)")
            }
            help[path] = answer.stdout
            queue += subcommands(in: answer.stdout).map { path + [$0] }
        }
        return CommandTree(help: help)
    }

    /// The names listed under SUBCOMMANDS: in an ArgumentParser help text.
    static func subcommands(in text: String) -> [String] {
        guard let section = text.range(of: "SUBCOMMANDS:\n") else { return [] }
        // A name starts a line after two spaces; its description may go on, further indented.
        return text[section.upperBound...].split(separator: "\n").prefix { $0.hasPrefix("  ") }.compactMap { line in
            guard !line.hasPrefix("   "), let name = line.split(separator: " ").first.map(String.init) else { return nil }
            return name.range(of: #"^[a-z][a-z0-9-]*$"#, options: .regularExpression) == nil ? nil : name
        }
    }

    /// What is wrong with `words` (starting with `tide`), or nil.
    func problem(with words: [String]) -> String? {
        var path: [String] = []
        var rest = words.dropFirst()
        while let next = rest.first, help[path + [next]] != nil {
            path.append(next)
            rest = rest.dropFirst()
        }
        guard let text = help[path] else { return "no such command" }
        let name = (["tide"] + path).joined(separator: " ")
        if !Self.subcommands(in: text).isEmpty, let next = rest.first, !next.hasPrefix("-") {
            return "\(name) has no subcommand \(next)"
        }
        for word in rest where word.hasPrefix("--") {
            let option = String(word.prefix { $0 != "=" })
            if option == "--" { break }
            if text.range(of: option + #"(?![a-z0-9-])"#, options: .regularExpression) == nil {
                return "\(name) has no option \(option)"
            }
        }
        return nil
    }
}
