import Foundation
import Testing
import TideModel
@testable import TideTesting

@Suite("tide module and tide resolve", .stopsWhatItStarts)
struct ModuleCLITests {
    @Test("publish a directory, list, show, yank, resolve against the server")
    func moduleCommands() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let common = ["--server", server.baseURL, "--data-dir", server.dataDirectory]

        // A copy of a bundled package with a new version, published from its directory.
        let directory = TemporaryDirectory.make() + "/sink"
        try FileManager.default.copyItem(atPath: Repository.registry + "/sink", toPath: directory)
        let yamlPath = directory + "/package.yaml"
        let yaml = try String(contentsOfFile: yamlPath, encoding: .utf8)
        try PackageFixture.version("1.5.0")(yaml).write(toFile: yamlPath, atomically: true, encoding: .utf8)
        let published = try await TideProcess.run(["module", "publish", directory] + common)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.hasPrefix("published sink 1.5.0 (sha256 "))

        let again = try await TideProcess.run(["module", "publish", directory] + common)
        #expect(again.status == 1)
        #expect(again.stderr == "tide: sink 1.5.0 is already published; versions are immutable, publish a new version\n")

        let list = try await TideProcess.run(["module", "ls"] + common)
        #expect(list.stdout.split(separator: "\n").first?.split(separator: " ", omittingEmptySubsequences: true).prefix(3) == ["NAME", "LATEST", "VERSIONS"])
        #expect(list.stdout.contains("sink") && list.stdout.contains("1.5.0, 1.0.0"))

        let show = try await TideProcess.run(["module", "show", "temperature"] + common)
        #expect(show.stdout.contains("needs:        sensor.read_temperature"))
        #expect(show.stdout.contains("GET read() -> f32"))

        let yank = try await TideProcess.run(["module", "yank", "fibo@1.1.0"] + common)
        #expect(yank.stdout == "fibo 1.1.0 is yanked\n")
        let resolved = try await TideProcess.run(["resolve", "fibo@^1", "classifier", "--json"] + common)
        let answer = try TideJSON.decoder().decode(ResolveResponse.self, from: Data(resolved.stdout.utf8))
        #expect(answer.packages.map { "\($0.name)@\($0.version)" } == ["classifier@1.0.0", "fibo@1.0.0", "mathlib@1.1.0"])

        let impossible = try await TideProcess.run(["resolve", "fibo@^9"] + common)
        #expect(impossible.status == 1)
        #expect(impossible.stderr.hasPrefix("tide: "))
        #expect(impossible.stderr.contains("fibo"))
    }

    @Test("offline resolution from an index file, one root and --all")
    func offline() async throws {
        let index = TemporaryDirectory.make() + "/index.json"
        try #"""
        {"packages": {
          "app": {"1.0.0": {"lib": "^1.0"}, "2.0.0": {"lib": "^2.0", "util": "=1.0.0"}},
          "lib": {"1.0.0": {}, "1.5.0": {"util": "^1"}, "2.0.0": {"util": "^2"}},
          "util": {"1.0.0": {}, "2.0.0": {}}
        }}
        """#.write(toFile: index, atomically: true, encoding: .utf8)

        let one = try await TideProcess.run(["resolve", "--index", index, "app@^1"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout == "app 1.0.0\nlib 1.5.0\nutil 1.0.0\n")

        let conflict = try await TideProcess.run(["resolve", "--index", index, "app@2"])
        #expect(conflict.status == 1)
        #expect(conflict.stderr.hasPrefix("tide: Because app >=2.0.0 depends on lib ^2.0"))
        #expect(conflict.stderr.contains("version solving failed"))
        #expect(conflict.stderr.contains("util"))

        let all = try await TideProcess.run(["resolve", "--index", index, "--all"])
        #expect(all.status == 0)
        let summary = all.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(summary.hasPrefix("6 resolved, 1 unsatisfiable in "), "\(summary)")
        #expect(summary.hasSuffix(" ms"))

        let json = try await TideProcess.run(["resolve", "--index", index, "--all", "--json"])
        let report = try JSONDecoder().decode(JSONValue.self, from: Data(json.stdout.utf8))
        #expect(report["resolved"] == 6)
        #expect(report["roots"]?.arrayValue?.count == 7)

        let broken = TemporaryDirectory.make() + "/broken.json"
        try #"{"packages": {"a": {"1.0": {}}}}"#.write(toFile: broken, atomically: true, encoding: .utf8)
        let bad = try await TideProcess.run(["resolve", "--index", broken, "--all"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("1.0"))
    }
}
