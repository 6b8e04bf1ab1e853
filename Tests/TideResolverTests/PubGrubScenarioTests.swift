import Testing
import TideModel
import TideResolver

/// The worked examples of PubGrub's write-up (dart-lang/pub, doc/solver.md).
@Suite struct PubGrubScenarioTests {
    @Test func noConflicts() throws {
        let provider = try registry([
            "foo": ["1.0.0": ["bar": "^1.0.0"]],
            "bar": ["1.0.0": [:], "2.0.0": [:]],
        ])
        #expect(try outcome(provider, ["foo": "^1.0.0"]).get() == ["foo": "1.0.0", "bar": "1.0.0"])
    }

    @Test func avoidingConflictDuringDecisionMaking() throws {
        let provider = try registry([
            "foo": ["1.0.0": [:], "1.1.0": ["bar": "^2.0.0"]],
            "bar": ["1.0.0": [:], "1.1.0": [:], "2.0.0": [:]],
        ])
        #expect(try outcome(provider, ["foo": "^1.0.0", "bar": "^1.0.0"]).get() == ["foo": "1.0.0", "bar": "1.1.0"])
    }

    @Test func performingConflictResolution() throws {
        let provider = try registry([
            "foo": ["1.0.0": [:], "2.0.0": ["bar": "^1.0.0"]],
            "bar": ["1.0.0": ["foo": "^1.0.0"]],
        ])
        #expect(try outcome(provider, ["foo": ">=1.0.0"]).get() == ["foo": "1.0.0"])
    }

    @Test func conflictResolutionWithPartialSatisfier() throws {
        let provider = try registry([
            "foo": ["1.0.0": [:], "1.1.0": ["left": "^1.0.0", "right": "^1.0.0"]],
            "left": ["1.0.0": ["shared": ">=1.0.0"]],
            "right": ["1.0.0": ["shared": "<2.0.0"]],
            "shared": ["1.0.0": ["target": "^1.0.0"], "2.0.0": [:]],
            "target": ["1.0.0": [:], "2.0.0": [:]],
        ])
        #expect(try outcome(provider, ["foo": "^1.0.0", "target": "^2.0.0"]).get() == ["foo": "1.0.0", "target": "2.0.0"])
    }

    @Test func linearErrorReporting() throws {
        let provider = try registry([
            "foo": ["1.0.0": ["bar": "^2.0.0"]],
            "bar": ["2.0.0": ["baz": "^3.0.0"]],
            "baz": ["1.0.0": [:], "3.0.0": [:]],
        ])
        let text = try explanation(provider, ["foo": "^1.0.0", "baz": "^1.0.0"])
        #expect(text == """
            Because every version of foo depends on bar ^2.0.0 which depends on baz ^3.0.0, every version of foo requires baz ^3.0.0.
            So, because root depends on both baz ^1.0.0 and foo ^1.0.0, version solving failed.
            """)
    }

    @Test func branchingErrorReporting() throws {
        let provider = try registry([
            "foo": ["1.0.0": ["a": "^1.0.0", "b": "^1.0.0"], "1.1.0": ["x": "^1.0.0", "y": "^1.0.0"]],
            "a": ["1.0.0": ["b": "^2.0.0"]],
            "b": ["1.0.0": [:], "2.0.0": [:]],
            "x": ["1.0.0": ["y": "^2.0.0"]],
            "y": ["1.0.0": [:], "2.0.0": [:]],
        ])
        let text = try explanation(provider, ["foo": "^1.0.0"])
        #expect(text == """
                Because foo <1.1.0 depends on a ^1.0.0 which depends on b ^2.0.0, foo <1.1.0 requires b ^2.0.0.
            (1) So, because foo <1.1.0 depends on b ^1.0.0, foo <1.1.0 is forbidden.

                Because foo >=1.1.0 depends on x ^1.0.0 which depends on y ^2.0.0, foo >=1.1.0 requires y ^2.0.0.
                And because foo >=1.1.0 depends on y ^1.0.0, foo >=1.1.0 is forbidden.
                And because foo <1.1.0 is forbidden (1), every version of foo is forbidden.
                So, because root depends on foo ^1.0.0, version solving failed.
            """)
    }
}
