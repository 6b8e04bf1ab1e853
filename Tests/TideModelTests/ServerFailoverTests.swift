import Testing
import TideModel

/// Which failed request a client of several servers tries on the next one.
@Suite struct ServerFailoverTests {
    typealias Failure = ServerFailover.Failure

    @Test func nothingSentMeansAnyMethodMovesOn() {
        for method in ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"] {
            #expect(ServerFailover.triesNextServer(method: method, after: .notConnected), "\(method)")
        }
    }

    @Test func onlyReadsAreRepeatedOnceTheRequestMayHaveLeft() {
        let mayHaveArrived: [Failure] = [.connectionLost, .timedOut, .answered(status: 502), .answered(status: 503), .answered(status: 504)]
        for failure in mayHaveArrived {
            #expect(ServerFailover.triesNextServer(method: "GET", after: failure), "\(failure)")
            #expect(ServerFailover.triesNextServer(method: "HEAD", after: failure), "\(failure)")
            for method in ["POST", "PUT", "DELETE", "PATCH"] {
                #expect(!ServerFailover.triesNextServer(method: method, after: failure), "\(method) after \(failure)")
            }
        }
    }

    @Test func anAnswerOtherThanUnavailableIsTheAnswer() {
        for status in [400, 401, 403, 404, 409, 422, 500, 501] {
            #expect(!ServerFailover.triesNextServer(method: "GET", after: .answered(status: status)), "\(status)")
            #expect(!ServerFailover.triesNextServer(method: "POST", after: .answered(status: status)), "\(status)")
        }
    }

    @Test func methodsAreComparedWhateverTheirCase() {
        #expect(ServerFailover.triesNextServer(method: "get", after: .timedOut))
        #expect(!ServerFailover.triesNextServer(method: "post", after: .timedOut))
    }
}
