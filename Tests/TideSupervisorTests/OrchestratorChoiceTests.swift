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

    @Test func heartbeatsFollowTheNamedWatcherUnlessTheyLeftItForFailingWithinAMinute() {
        let start = ContinuousClock.now
        var choice = OrchestratorChoice(configured: ["http://a", "http://b", "http://c"])
        #expect(choice.follow("http://a", now: start) == .alreadyThere)
        #expect(choice.follow("http://elsewhere", now: start) == .unknown)
        #expect(choice.current == "http://a")
        #expect(choice.follow("http://c", now: start) == .moved)
        #expect(choice.current == "http://c")

        // c fails twice: heartbeats move on to a, and a hint back to c waits a minute.
        _ = choice.failed(at: "http://c", now: start)
        #expect(choice.failed(at: "http://c", now: start).movedTo == "http://a")
        #expect(choice.follow("http://c", now: start + .seconds(59)) == .failedRecently)
        #expect(choice.current == "http://a")
        #expect(choice.follow("http://b", now: start + .seconds(59)) == .moved)
        #expect(choice.follow("http://c", now: start + .seconds(60)) == .moved)
        #expect(choice.current == "http://c")

        // A failure reported for a URL no longer current counts nothing; one at c does not move yet.
        _ = choice.failed(at: "http://b", now: start)
        #expect(choice.failed(at: "http://c", now: start).movedTo == nil)
    }

    @Test func eachFailingReturnToAHintedURLDoublesTheWaitUntilASuccessThere() {
        let start = ContinuousClock.now
        var choice = OrchestratorChoice(configured: ["http://a", "http://b"])
        func leaveA(at instant: ContinuousClock.Instant) {
            _ = choice.failed(at: "http://a", now: instant)
            _ = choice.failed(at: "http://a", now: instant)
        }
        leaveA(at: start)
        #expect(choice.follow("http://a", now: start + .seconds(60)) == .moved)
        leaveA(at: start + .seconds(61))
        #expect(choice.follow("http://a", now: start + .seconds(61 + 119)) == .failedRecently)
        #expect(choice.follow("http://a", now: start + .seconds(61 + 120)) == .moved)
        leaveA(at: start + .seconds(200))
        #expect(choice.follow("http://a", now: start + .seconds(200 + 239)) == .failedRecently)
        #expect(choice.follow("http://a", now: start + .seconds(200 + 240)) == .moved)
        // A success at a starts the count again: the next departure waits a minute.
        choice.succeeded(at: "http://a")
        leaveA(at: start + .seconds(500))
        #expect(choice.follow("http://a", now: start + .seconds(560)) == .moved)
        // However often, the wait is at most an hour.
        var now = start + .seconds(1000)
        for _ in 0..<12 {
            leaveA(at: now)
            now = now + .seconds(3600)
            #expect(choice.follow("http://a", now: now) == .moved)
        }
    }
}
