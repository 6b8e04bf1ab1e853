import Testing
import TideManifest

/// Manifests of many steps parse in linear time, and their messages stay short.
@Suite struct LargeManifestTests {
    static func chain(_ count: Int) -> String {
        var text = "name: large\nsteps:\n"
        for index in 0..<count { text += "  - name: s-\(index)\n    module: fibo@^1.1\n    function: fibo\n" }
        return text
    }

    @Test func tenThousandStepsParseAsAChain() throws {
        let started = ContinuousClock.now
        let manifest = try ManifestParser.parse(Self.chain(10_000))
        // A loose bound for debug builds: the old checks were cubic (hours at this size).
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(manifest.steps.count == 10_000)
        #expect(manifest.steps[9_999].inputs == ["s-9998"])
    }

    @Test func anUnknownInputNamesTwentyEarlierStepsAndCountsTheRest() {
        let text = Self.chain(30) + "  - name: last\n    module: fibo@^1.1\n    function: fibo\n    input: nowhere\n"
        #expect(throws: ManifestError.self) { try ManifestParser.parse(text) }
        do {
            _ = try ManifestParser.parse(text)
        } catch {
            let earlier = (0..<20).map { "s-\($0)" }.joined(separator: ", ")
            #expect(error.lines == [
                "manifest.yaml line 96: steps[30].input: \"nowhere\" is not an earlier step (steps before it: \(earlier) and 10 more)"
            ])
        }
    }

    @Test func wasmiotStepsOfOnePackageGetNumberedNames() throws {
        var text = #"{"name": "many", "sequence": ["#
        text += (0..<1_000).map { _ in #"{"device": null, "module": "fibo", "func": "fibo"}"# }.joined(separator: ", ")
        text += "]}"
        let manifest = try ManifestParser.parse(text, fileName: "many.json")
        #expect(manifest.steps.prefix(3).map(\.name) == ["fibo", "fibo-2", "fibo-3"])
        #expect(manifest.steps.last?.name == "fibo-1000")
    }
}
