import Testing
@testable import TideSupervisor

/// Which orchestrator URL heartbeats go to: the next after two failures in a row, the registered one first.
@Suite struct OrchestratorChoiceTests {
    typealias Verdict = OrchestratorChoice.Verdict

    @Test func twoFailuresInARowMoveToTheNextURLAndAllFailingIsReported() {
        var choice = OrchestratorChoice(configured: ["http://a", "http://b"])
        #expect(choice.current == "http://a")
        #expect(choice.failed(at: "http://a") == Verdict(movedTo: nil, everyURLFailed: false))
        #expect(choice.failed(at: "http://a") == Verdict(movedTo: "http://b", everyURLFailed: false))
        #expect(choice.current == "http://b")
        #expect(choice.failed(at: "http://b") == Verdict(movedTo: nil, everyURLFailed: false))
        #expect(choice.failed(at: "http://b") == Verdict(movedTo: "http://a", everyURLFailed: true))
        #expect(choice.failed(at: "http://a") == Verdict(movedTo: nil, everyURLFailed: true))
    }

    @Test func aSuccessStartsTheCountAgain() {
        var choice = OrchestratorChoice(configured: ["http://a", "http://b"])
        _ = choice.failed(at: "http://a")
        choice.succeeded(at: "http://a")
        #expect(choice.failed(at: "http://a") == Verdict(movedTo: nil, everyURLFailed: false))
        #expect(choice.current == "http://a")
    }

    @Test func oneURLNeverMovesAndTheSecondFailureIsEveryURL() {
        var choice = OrchestratorChoice(configured: ["http://a"])
        #expect(choice.failed(at: "http://a") == Verdict(movedTo: nil, everyURLFailed: false))
        #expect(choice.failed(at: "http://a") == Verdict(movedTo: nil, everyURLFailed: true))
        #expect(choice.current == "http://a")
    }

    @Test func aRegisteredOrchestratorComesFirstAndTheConfiguredOnesStay() {
        var choice = OrchestratorChoice(configured: ["http://a", "http://b"])
        _ = choice.failed(at: "http://a")
        _ = choice.failed(at: "http://a")
        choice.register("http://c")
        #expect(choice.urls == ["http://c", "http://a", "http://b"])
        #expect(choice.current == "http://c")
        #expect(choice.failed(at: "http://c") == Verdict(movedTo: nil, everyURLFailed: false), "the count starts again")
        choice.register("http://b")
        #expect(choice.urls == ["http://b", "http://a"])
        #expect(OrchestratorChoice(configured: []).current == nil)
    }

    @Test func aFailureReportedForAURLNoLongerCurrentChangesNothing() {
        var choice = OrchestratorChoice(configured: ["http://a", "http://b"])
        _ = choice.failed(at: "http://a")
        choice.register("http://c")
        #expect(choice.failed(at: "http://a") == Verdict(movedTo: nil, everyURLFailed: false))
        #expect(choice.failed(at: "http://a") == Verdict(movedTo: nil, everyURLFailed: false))
        #expect(choice.current == "http://c")
    }
}
