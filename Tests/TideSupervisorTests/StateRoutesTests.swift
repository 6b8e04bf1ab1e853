import Foundation
import Testing
import TideLiquid
import TidePackageFormat
import TideSupervisor
@testable import TideTesting

/// The supervisor's state routes (liquid state), between two supervisors as the orchestrator uses them.
@Suite(.stopsWhatItStarts) struct StateRoutesTests {
    static func counterNode(at origin: String, bytes: [UInt8]) -> NodeFixture {
        var node = NodeFixture(id: "dep-count")
        node.module(
            "counter", url: origin + "/counter.wasm", sha256: .init(binary: BlobCache.digest(of: bytes)),
            functions: [
                .init(name: "increment", parameters: [], result: NodeFixture.integer),
                .init(name: "reserve", parameters: [NodeFixture.integer], result: NodeFixture.integer),
            ])
        return node
    }

    /// Two supervisors running the counter, the first counted to 3; the file server serves its module.
    static func countedToThree() async throws -> (FileServer, old: RunningServer, new: RunningServer) {
        let counter = try Fixtures.counter
        let files = FileServer(["counter.wasm": counter])
        let origin = try await files.start()
        let old = try await startSupervisor()
        let new = try await startSupervisor()
        let node = counterNode(at: origin, bytes: counter)
        #expect(try await old.deploy(node).status == 200)
        #expect(try await new.deploy(node).status == 200)
        for expected in 1...3 { #expect(try await count(old) == expected) }
        return (files, old, new)
    }

    static func count(_ supervisor: RunningServer) async throws -> Int? {
        (try await supervisor.call("dep-count", "counter", "increment").json()["value"] as? NSNumber)?.intValue
    }

    @Test("a counter at 3 moves to another supervisor with its state and goes on at 4; the old one keeps its own")
    func moves() async throws {
        let (files, old, new) = try await Self.countedToThree()
        defer { withExtendedLifetime(files) {} }
        // State beyond the first page: the new instance's memory grows to hold it.
        let reserved = try await old.call("dep-count", "counter", "reserve", query: "param0=300").json()
        #expect(((reserved["value"] as? NSNumber)?.intValue ?? 0) >= 300)

        let taken = try await http(.GET, old.base + "/deploy/dep-count/modules/counter/state")
        #expect(taken.status == 200, "\(taken.text)")
        #expect(taken.headers.first(name: "Content-Type") == "application/vnd.tide.snapshot")
        #expect(taken.headers.first(name: "X-Tide-Snapshot-Digest") == SnapshotCoding.digest(of: taken.body)?.prefixed)
        let restored = try await http(.PUT, new.base + "/deploy/dep-count/modules/counter/state", body: taken.body)
        #expect(restored.status == 200, "\(restored.text)")
        #expect(try restored.json()["status"] as? String == "restored")
        #expect(try await Self.count(new) == 4)
        #expect(try await Self.count(old) == 4)
    }

    @Test("a tampered or truncated snapshot is refused with 422 and the instance keeps its state")
    func tampered() async throws {
        let counter = try Fixtures.counter
        let files = FileServer(["counter.wasm": counter])
        let origin = try await files.start()
        let supervisor = try await startSupervisor()
        #expect(try await supervisor.deploy(Self.counterNode(at: origin, bytes: counter)).status == 200)
        #expect(try await Self.count(supervisor) == 1)
        var bytes = try await http(.GET, supervisor.base + "/deploy/dep-count/modules/counter/state").body
        #expect(try await Self.count(supervisor) == 2)
        bytes[bytes.count / 2] ^= 0xFF
        for body in [bytes, Array(bytes.prefix(bytes.count - 7))] {
            let refused = try await http(.PUT, supervisor.base + "/deploy/dep-count/modules/counter/state", body: body)
            #expect(refused.status == 422, "\(refused.text)")
            #expect(refused.text.contains("snapshot_refused"))
            #expect(refused.text.contains("its SHA-256 does not match its contents (corrupted or truncated)"))
        }
        #expect(try await Self.count(supervisor) == 3)
    }

    @Test("a snapshot of another module version is refused; unknown deployments and modules are 404")
    func otherVersion() async throws {
        let counter = try Fixtures.counter
        let files = FileServer(["counter.wasm": counter])
        let origin = try await files.start()
        let supervisor = try await startSupervisor()
        #expect(try await supervisor.deploy(Self.counterNode(at: origin, bytes: counter)).status == 200)
        var snapshot = try SnapshotCoding.decode(try await http(.GET, supervisor.base + "/deploy/dep-count/modules/counter/state").body)
        snapshot.moduleDigest = BlobDigest(of: Array("counter 2.0.0".utf8))
        let refused = try await http(.PUT, supervisor.base + "/deploy/dep-count/modules/counter/state", body: try SnapshotCoding.encode(snapshot))
        #expect(refused.status == 422)
        #expect(refused.text.contains("another version"), "\(refused.text)")
        #expect(try await http(.GET, supervisor.base + "/deploy/nothing/modules/counter/state").status == 404)
        #expect(try await http(.GET, supervisor.base + "/deploy/dep-count/modules/nothing/state").status == 404)
    }
}

extension StateRoutesTests {
    @Test("taking or putting state needs the supervisor's token, as deploying does")
    func needsToken() async throws {
        let counter = try Fixtures.counter
        let files = FileServer(["counter.wasm": counter])
        let origin = try await files.start()
        let supervisor = try await startSupervisor(token: "fleet-secret")
        #expect(try await supervisor.deploy(Self.counterNode(at: origin, bytes: counter), token: "fleet-secret").status == 200)
        let url = supervisor.base + "/deploy/dep-count/modules/counter/state"
        #expect(try await http(.GET, url).status == 401)
        #expect(try await http(.GET, url, headers: [("Authorization", "Bearer wrong")]).status == 403)
        #expect(try await http(.PUT, url, body: [1, 2, 3]).status == 401)
        let taken = try await http(.GET, url, headers: [("Authorization", "Bearer fleet-secret")])
        #expect(taken.status == 200)
        #expect(try await http(.PUT, url, body: taken.body, headers: [("Authorization", "Bearer fleet-secret")]).status == 200)
    }
}

extension StateRoutesTests {
    @Test("a pre-copied move: the whole state staged first, then only the changed pages; each base serves one delta")
    func precopied() async throws {
        let (files, old, new) = try await Self.countedToThree()
        defer { withExtendedLifetime(files) {} }
        let reserved = try await old.call("dep-count", "counter", "reserve", query: "param0=1024").json()
        #expect(((reserved["value"] as? NSNumber)?.intValue ?? 0) >= 1024, "\(reserved)")
        let state = "/deploy/dep-count/modules/counter/state"

        let whole = try await http(.GET, old.base + state + "?precopy=true")
        #expect(whole.status == 200, "\(whole.text)")
        let baseDigest = try #require(SnapshotCoding.digest(of: whole.body))
        let staged = try await http(.PUT, new.base + state + "?stage=true", body: whole.body)
        #expect(staged.status == 200, "\(staged.text)")
        #expect(try staged.json()["status"] as? String == "staged")
        #expect(try await Self.count(new) == 1, "staging leaves the running instance alone")
        #expect(try await Self.count(old) == 4, "calls run on after the pre-copy")

        let deltaAnswer = try await http(.GET, old.base + state + "?base=" + baseDigest.prefixed)
        #expect(deltaAnswer.status == 200, "\(deltaAnswer.text)")
        guard case .delta(let delta) = try SnapshotCoding.decodeContents(deltaAnswer.body) else {
            Issue.record("the answer to ?base= is not a delta")
            return
        }
        #expect(delta.base == baseDigest)
        #expect(delta.pages.count < delta.pageCount && delta.pageCount > 4, "\(delta.pages.count) of \(delta.pageCount) pages changed")
        #expect(deltaAnswer.body.count * 4 < whole.body.count)
        let restored = try await http(.PUT, new.base + state, body: deltaAnswer.body)
        #expect(restored.status == 200, "\(restored.text)")
        #expect(try restored.json()["status"] as? String == "restored")
        #expect(try await Self.count(new) == 5)

        let again = try await http(.PUT, new.base + state, body: deltaAnswer.body)
        #expect(again.status == 409)
        #expect(again.text.contains("snapshot_base_missing") && again.text.contains("is not staged on this device"), "\(again.text)")
        let noBase = try await http(.GET, old.base + state + "?base=" + baseDigest.prefixed)
        #expect(noBase.status == 409)
        #expect(noBase.text.contains("keeps no snapshot \(baseDigest.hex.prefix(12)) to compare with"), "\(noBase.text)")
        #expect(try await http(.GET, old.base + state + "?base=nonsense").status == 400)
        #expect(try await Self.count(new) == 6)
    }
}
