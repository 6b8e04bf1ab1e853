import Foundation
import Testing
import TideModel
@testable import TideOrchestrator
@testable import TideTesting

/// Staging a new generation, and the rebalance's choice of a move, as tables.
@Suite("Staging and rebalancing decisions", .stopsWhatItStarts)
struct StagingDecisionTests {
    typealias F = DeploymentFixture

    @Test("a new plan: steps that stay where they run keep running, the others are pending; moves are counted")
    func steps() {
        let previous = F.make([("a", "d1", .running), ("b", "d2", .running), ("c", "d3", .failed)]).steps
        let staged = Staging.steps(of: F.plan([("a", "d1"), ("b", "d4"), ("c", "d3"), ("new", "d1")]), previous: previous)
        #expect(staged.steps.map(\.state) == [.running, .pending, .pending, .pending])
        #expect(staged.steps.map(\.device) == ["d1", "d4", "d3", "d1"].map { DeviceID($0) })
        #expect(staged.moved == 1)
    }

    @Test("a step the solver kept does not count as moved")
    func keptIsNotMoved() {
        let previous = F.make([("a", "d1", .running)]).steps
        #expect(Staging.steps(of: F.plan([("a", "d2")], kept: ["a"]), previous: previous).moved == 0)
        #expect(Staging.steps(of: F.plan([("a", "d2")]), previous: []).moved == 0)
    }

    @Test("rebalance: the single move that gains the most, when it gains enough", arguments: [
        // current, fresh, minimum gain -> expected (index, device) or nil
        (["d1", "d1"], ["d2", "d3"], 0.5, Optional((1, "d3"))),
        (["d1", "d1"], ["d2", "d3"], 3.5, nil),
        (["d2", "d3"], ["d2", "d3"], 0.0, nil),
        (["d1", "d1"], ["d1", "d1"], 0.0, nil),
    ])
    func bestMove(current: [String], fresh: [String], minimumGain: Double, expected: (Int, String)?) {
        // A device's worth: d3 scores 3, d2 2, d1 1.
        let worth: [String: Double] = ["d1": 1, "d2": 2, "d3": 3]
        let move = Rebalancing.bestMove(
            current: current.map { DeviceID($0) }, fresh: fresh.map { DeviceID($0) }, minimumGain: minimumGain,
            score: { assignment in assignment.reduce(0) { $0 + (worth[$1.rawValue] ?? 0) } })
        #expect(move?.index == expected?.0)
        #expect(move?.device.rawValue == expected?.1)
        if let move { #expect(move.gain == 2) }
    }

    @Test("rebalance: an assignment that scores minus infinity (a device gone) is left alone")
    func infiniteBase() {
        let move = Rebalancing.bestMove(
            current: [DeviceID("d1")], fresh: [DeviceID("d2")], minimumGain: 0, score: { $0 == [DeviceID("d1")] ? -.infinity : 1 })
        #expect(move == nil)
    }
}
