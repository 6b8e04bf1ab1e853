import Hummingbird
import TideHTTP

extension BearerToken {
    /// The fleet's supervisor token, which heartbeats carry.
    static func requireFleetToken(_ expected: String, in request: Request) throws(APIError) {
        try require(
            expected, in: request,
            missing: "heartbeats need the fleet's supervisor token: start the supervisor with --token (the server's "
                + "--supervisor-token, or the file supervisor.token in its data directory)",
            wrong: "the supervisor token is not valid for this server")
    }
}
