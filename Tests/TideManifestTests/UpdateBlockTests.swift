import Testing
import TideManifest
import TideModel

/// The manifest's `update` block: how an update rolls out.
@Suite struct UpdateBlockTests {
    private let header = """
        name: fleet-fibo
        steps:
          - name: fibo
            module: fibo@^1.0
            function: fibo

        """

    private func problems(_ text: String) -> [String] {
        do {
            _ = try ManifestParser.parse(text)
            return []
        } catch {
            return error.lines
        }
    }

    @Test func everyField() throws {
        let manifest = try ManifestParser.parse(header + """
            update:
              max-parallel: 10%
              canary: 2
              auto-promote: false
              auto-revert: true
              min-healthy-time: 1.5s
              check: { run: { n: 10 }, max-error-rate: 5% }
            """)
        let update = try #require(manifest.update)
        #expect(update.maxParallel == .percent(10))
        #expect(update.canary == .count(2))
        #expect(!update.autoPromote && update.autoRevert)
        #expect(update.minHealthySeconds == 1.5)
        #expect(update.check.run == ["n": .number(10)])
        #expect(update.check.maxErrorRate == 0.05)
    }

    @Test func defaultsAndAbsence() throws {
        #expect(try ManifestParser.parse(header).update == nil)
        let update = try #require(try ManifestParser.parse(header + "update: {}\n").update)
        #expect(update == UpdateStrategy())
        #expect(update.maxParallel == .count(1) && update.canary == .count(0) && update.autoRevert && update.autoPromote)
        #expect(update.minHealthySeconds == 10)
        #expect(try ManifestParser.parse(header + "update: { min-healthy-time: 2m }\n").update?.minHealthySeconds == 120)
        #expect(try ManifestParser.parse(header + "update: { min-healthy-time: 250ms }\n").update?.minHealthySeconds == 0.25)
    }

    @Test func badValuesSayWhatIsExpected() {
        #expect(problems(header + "update: { max-parallel: 0 }\n") == [
            "manifest.yaml line 6: update.max-parallel: \"0\" is not a number of devices or a percentage; use e.g. 2 or 10%"
        ])
        #expect(problems(header + "update: { canary: 120% }\n") == [
            "manifest.yaml line 6: update.canary: \"120%\" is not a number of devices or a percentage; use e.g. 0, 2 or 10%"
        ])
        #expect(problems(header + "update: { min-healthy-time: soon }\n") == [
            "manifest.yaml line 6: update.min-healthy-time: \"soon\" is not a duration; use e.g. 10s, 500ms or 2m (at most a day)"
        ])
        #expect(problems(header + "update: { min-healthy-time: 2d }\n").count == 1)
        #expect(problems(header + "update: { check: { max-error-rate: 1.5 } }\n") == [
            "manifest.yaml line 6: update.check.max-error-rate: \"1.5\" is not an error rate; use a fraction from 0 to 1 or a percentage, e.g. 0.05 or 5%"
        ])
        #expect(problems(header + "update: { check: { run: { n: ten } } }\n") == [
            "manifest.yaml line 6: update.check.run.n: \"ten\" is not a number; a probe run's inputs are numbers, e.g. {n: 10}"
        ])
        #expect(problems(header + "update: { canery: 1 }\n") == [
            "manifest.yaml line 6: update: unknown field \"canery\"; allowed fields: max-parallel, canary, auto-promote, min-healthy-time, auto-revert, check"
        ])
        #expect(problems(header + "update: 3\n") == [
            "manifest.yaml line 6: update: expected a mapping with fields max-parallel, canary, auto-promote, min-healthy-time, auto-revert, check, found text \"3\""
        ])
    }
}
