import TideFixtures
import Foundation
import Testing
import TideModel
import TideResolver

@Suite struct PackageIndexTests {
    private func load(_ json: String) throws(PackageIndexError) -> PackageIndex {
        try PackageIndex(json: Data(json.utf8))
    }

    @Test func decodesAndSweeps() throws {
        let index = try load("""
            {"packages": {
              "app": {"1.0.0": {"lib": "^1.0"}, "2.0.0": {"lib": "^2.0"}},
              "lib": {"1.0.0": {}, "1.1.0": {}}
            }, "yanked": {"lib": ["1.1.0"]}}
            """)
        #expect(index.packageNames == ["app", "lib"])
        let report = IndexSweep.run(index)
        #expect(report.resolved == 3)
        #expect(report.unsatisfiable == 1)
        #expect(report.roots.map { "\($0.package)@\($0.version) \($0.status.rawValue)" } == [
            "app@1.0.0 resolved", "app@2.0.0 unsatisfiable", "lib@1.0.0 resolved", "lib@1.1.0 resolved",
        ])
        #expect(report.roots[0].solution?.map(\.description) == ["app 1.0.0", "lib 1.0.0"])
        #expect(report.roots[3].solution?.map(\.description) == ["lib 1.1.0 (yanked)"])
        #expect(report.roots[1].explanation == [
            "Because app >=2.0.0 depends on lib ^2.0 which matches no versions and root depends on app =2.0.0, version solving failed.",
        ])
        #expect(report.summary.hasPrefix("3 resolved, 1 unsatisfiable in "))
        let json = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(SweepReport.self, from: json) == report)
    }

    @Test func writesTheSameFormatItReads() throws {
        let registry = SyntheticRegistry(preset: .small)
        let text = registry.index.jsonText()
        let reloaded = try load(text)
        #expect(reloaded.jsonText() == text)
        #expect(reloaded.provider.versionCount == registry.versionCount)
        #expect(reloaded.provider.dependencyCount == registry.edgeCount)
    }

    @Test(arguments: [
        ("not json", "invalid package index: the file is not valid JSON"),
        (#"{"pkgs": {}}"#, #"invalid package index: expected an object with a "packages" object at the top level"#),
        (#"{"packages": {"a": []}}"#, #"invalid package index: package "a": expected an object mapping versions to dependencies"#),
        (#"{"packages": {"a": {"1.x.0": {}}}}"#, #"invalid package index: package "a": invalid version "1.x.0": "x" is not a number"#),
        (#"{"packages": {"a": {"1.0.0": []}}}"#, #"invalid package index: package "a" version 1.0.0: expected an object mapping dependency names to ranges"#),
        (#"{"packages": {"a": {"1.0.0": {"b": 1}}}}"#, #"invalid package index: package "a" version 1.0.0, dependency "b": expected a range string such as "^1.0""#),
        (#"{"packages": {"a": {"1.0.0": {"b": ">=1.0, <<2"}}}}"#, #"invalid package index: package "a" version 1.0.0, dependency "b": invalid version range ">=1.0, <<2": "<<2": expected a version after "<""#),
        (#"{"packages": {"a": {"1.0.0+x": {}, "1.0.0+y": {}}}}"#, #"invalid package index: package "a": versions "1.0.0+x" and "1.0.0+y" differ only in build metadata"#),
        (#"{"packages": {"a": {"1.0.0": {}}}, "yanked": {"a": ["2.0.0"]}}"#, "invalid package index: yanked version a 2.0.0 is not in the index"),
        (#"{"packages": {"": {}}}"#, #"invalid package index: package name "" is empty or contains spaces"#),
    ])
    func decodingErrors(json: String, message: String) {
        do {
            _ = try load(json)
            Issue.record("loaded")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }
}
