import Testing
import TideHTTP
import TideModel

@testable import TideSupervisor

@Suite("Supervisor errors as the HTTP layer answers them")
struct SupervisorErrorTests {
    @Test("each reason keeps its code and its status")
    func statuses() {
        let expected: [(SupervisorError.Reason, String, Int)] = [
            (.badRequest, "bad_request", 400), (.unauthorized, "unauthorized", 401), (.forbidden, "forbidden", 403),
            (.notFound, "not_found", 404), (.conflict, "conflict", 409), (.tooLarge, "body_too_large", 413),
            (.busy, "busy", 503), (.badGateway, "bad_gateway", 502), (.deployFailed, "deploy_failed", 400),
            (.executionFailed, "execution_failed", 422), (.internalFailure, "internal", 500),
        ]
        for (reason, code, status) in expected {
            let answer = ErrorPolicy.supervisor.answer(SupervisorError(reason, "m")).error
            #expect(answer.code == code && Int(answer.status.code) == status, "\(reason)")
            #expect((answer.headers[.wwwAuthenticate] == "Bearer") == (status == 401), "\(reason)")
        }
    }

    @Test("an internal failure's message stays in the log")
    func internalMessage() {
        let (answer, logged) = ErrorPolicy.supervisor.answer(SupervisorError.internalFailure("cannot write /data/x"))
        #expect(answer.message == "the supervisor failed to handle the request; see its log")
        #expect(logged == "cannot write /data/x")
        #expect(SupervisorError.internalFailure("x").publicMessage == answer.message)
        #expect(ErrorPolicy.supervisor.answer(SupervisorError.executionFailed("trapped")).error.message == "trapped")
    }
}
