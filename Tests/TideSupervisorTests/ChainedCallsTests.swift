import Foundation
import Synchronization
import Testing
@testable import TideSupervisor

/// Hand-offs in flight that a new node or a removal ends early.
@Suite struct ChainedCallsTests {
    static let old = "http://127.0.0.1:5002/pipe/modules/middle/fibo"

    @Test func aNodeThatMovesTheNextStepEndsTheHandOffToTheOldAddress() {
        #expect(ChainedCalls.redirection(from: Self.old, to: Self.old, generation: 3) == nil)
        #expect(
            ChainedCalls.redirection(from: Self.old, to: "http://127.0.0.1:5004/pipe/modules/middle/fibo", generation: 3)
                == "the orchestrator moved the next step (node generation 3 sends it to http://127.0.0.1:5004/pipe/modules/middle/fibo)")
        #expect(
            ChainedCalls.redirection(from: Self.old, to: nil, generation: 4)
                == "the orchestrator's node generation 4 no longer hands this step's output on")
    }

    @Test func removingADeploymentEndsItsHandOffsOnly() async {
        let calls = ChainedCalls()
        let cancelled = Mutex<[String]>([])
        let ours = UUID()
        let theirs = UUID()
        await calls.begin(ours, deploymentId: "pipe", module: "first", function: "fibo", target: Self.old) {
            cancelled.withLock { $0.append("pipe") }
        }
        await calls.begin(theirs, deploymentId: "other", module: "first", function: "fibo", target: Self.old) {
            cancelled.withLock { $0.append("other") }
        }
        await calls.removed("pipe")
        #expect(cancelled.withLock { $0 } == ["pipe"])
        #expect(await calls.end(ours) == "the orchestrator removed deployment pipe from this device")
        #expect(await calls.end(theirs) == nil)
    }
}
