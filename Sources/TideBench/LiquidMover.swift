import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TideLiquid
import TidePackageFormat

/// One planned move of the liquid benchmark, through the supervisors' HTTP API only.
struct LiquidMover: Sendable {
    let source: String
    let target: String
    let token: String
    let moduleURL: String
    let moduleDigest: BlobDigest

    struct Move: Sendable {
        /// From the GET's start to the PUT's answer: how long calls wait in a move.
        var pause: Double
        var snapshot: Double
        /// The part of the snapshot during which the module's queue was held (calls waited).
        var held: Double
        var encode: Double
        var decode: Double
        var restore: Double
        var transfer: Double { max(0, pause - snapshot - encode - decode - restore) }
        var snapshotBytes: Int
        /// A fresh deployment of the module (cached binary): a restart without state.
        var restartWithoutState: Double
        /// A pre-copied move: the whole state taken and staged while calls still run (milliseconds),
        /// then the pause (only the changes since: a delta GET and PUT), and the delta's size.
        var precopy: Double
        var precopiedPause: Double
        var changedBytes: Int
    }

    func move(kib: Int, id: String) async throws -> Move {
        let node = """
            {"deploymentId": "\(id)", "generation": 1,
             "modules": [{"id": "counter", "name": "counter", "urls": {"binary": "\(moduleURL)", "other": {}}, "sha256": {"binary": "\(moduleDigest.hex)"}}],
             "endpoints": {}, "instructions": {"modules": {}}, "mounts": {}}
            """
        try await send(.POST, source + "/deploy", body: Array(node.utf8))
        try await send(.POST, target + "/deploy", body: Array(node.utf8))
        let reserved = try await call(source, id, "reserve", "param0=\(kib)")
        guard reserved >= kib else { throw BenchFailure("counter could not hold \(kib) KiB of state (reserve answered \(reserved))") }
        for _ in 0..<3 { _ = try await call(source, id, "increment") }

        let started = ContinuousClock.now
        let taken = try await send(.GET, source + "/deploy/\(id)/modules/counter/state")
        let restored = try await send(.PUT, target + "/deploy/\(id)/modules/counter/state", body: taken.body)
        let pause = (ContinuousClock.now - started).inMilliseconds
        let count = try await call(target, id, "increment")
        guard count == 4 else { throw BenchFailure("after the move the counter answered \(count), not 4: its state was not carried") }

        let (precopy, precopiedPause, changedBytes) = try await precopiedMove(id: id)

        let restart = ContinuousClock.now
        try await send(.POST, target + "/deploy", body: Array(node.replacingOccurrences(of: "\"\(id)\"", with: "\"\(id)-fresh\"").utf8))
        let restartWithoutState = (ContinuousClock.now - restart).inMilliseconds
        guard try await call(target, id + "-fresh", "increment") == 1 else { throw BenchFailure("a fresh counter did not start at 0") }
        for (base, deployment) in [(source, id), (target, id), (target, id + "-fresh")] {
            try await send(.DELETE, base + "/deploy/\(deployment)")
        }
        let sent = Self.timing(taken.timing)
        let received = Self.timing(restored.timing)
        return Move(
            pause: pause, snapshot: sent["snapshot"] ?? 0, held: sent["held"] ?? 0, encode: sent["encode"] ?? 0, decode: received["decode"] ?? 0,
            restore: received["restore"] ?? 0, snapshotBytes: taken.body.count, restartWithoutState: restartWithoutState,
            precopy: precopy, precopiedPause: precopiedPause, changedBytes: changedBytes)
    }

    /// Moves the source's state (count 3) again, pre-copied: the whole of it staged on the target
    /// first, one more call on the source, then in the pause only the pages that call changed. The
    /// target (at 4 after the first move's check) must then count 5.
    private func precopiedMove(id: String) async throws -> (precopy: Double, pause: Double, changedBytes: Int) {
        let state = "/deploy/\(id)/modules/counter/state"
        let started = ContinuousClock.now
        let base = try await send(.GET, source + state + "?precopy=true")
        try await send(.PUT, target + state + "?stage=true", body: base.body)
        let precopy = (ContinuousClock.now - started).inMilliseconds
        guard let digest = SnapshotCoding.digest(of: base.body) else { throw BenchFailure("the pre-copy has no digest") }
        guard try await call(source, id, "increment") == 4 else { throw BenchFailure("the source did not count 4 after the pre-copy") }
        let paused = ContinuousClock.now
        let delta = try await send(.GET, source + state + "?base=" + digest.prefixed)
        try await send(.PUT, target + state, body: delta.body)
        let pause = (ContinuousClock.now - paused).inMilliseconds
        let count = try await call(target, id, "increment")
        guard count == 5 else { throw BenchFailure("after the pre-copied move the counter answered \(count), not 5") }
        return (precopy, pause, delta.body.count)
    }

    /// A synchronous call's i64 value.
    private func call(_ base: String, _ deployment: String, _ function: String, _ query: String = "") async throws -> Int {
        let answer = try await send(.POST, base + "/\(deployment)/modules/counter/\(function)?wait=true&\(query)")
        guard let object = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
            let value = (object["value"] as? NSNumber)?.intValue
        else { throw BenchFailure("\(function) on \(base) answered \(String(decoding: answer.body.prefix(300), as: UTF8.self))") }
        return value
    }

    @discardableResult
    private func send(_ method: HTTPMethod, _ url: String, body: [UInt8]? = nil) async throws -> (body: [UInt8], timing: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: method == .PUT ? "application/vnd.tide.snapshot" : "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = Array(try await response.body.collect(upTo: 512 << 20).readableBytesView)
        guard response.status.code < 300 else {
            throw BenchFailure("\(method.rawValue) \(url) answered \(response.status.code): \(String(decoding: bytes.prefix(300), as: UTF8.self))")
        }
        return (bytes, response.headers.first(name: "Server-Timing") ?? "")
    }

    /// `name;dur=ms, ...` as milliseconds by name.
    static func timing(_ header: String) -> [String: Double] {
        var parts: [String: Double] = [:]
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = fields.first, let duration = fields.dropFirst().first(where: { $0.hasPrefix("dur=") }) else { continue }
            parts[name] = Double(duration.dropFirst(4))
        }
        return parts
    }
}
