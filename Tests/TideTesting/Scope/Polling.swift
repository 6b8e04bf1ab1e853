import Foundation
import TideModel

/// Polls `condition` until it holds or `timeout` passes (a hang guard: generous for a loaded machine).
func eventually(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// The API error body's code and message.
func errorOf(_ body: String) -> (code: String, message: String)? {
    guard let parsed = try? JSONDecoder().decode(APIErrorBody.self, from: Data(body.utf8)) else { return nil }
    return (parsed.error.code, parsed.error.message)
}
