import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import Testing
import TideClient
import TideModel
@testable import TideTesting

/// While replicas elect a leader, every one answers 503 `no_leader`: the client asks again until
/// one leads, within its patience, and says so when none does.
@Suite(.stopsWhatItStarts) struct NoLeaderRetryTests {
    static let noLeader = #"{"error": {"code": "no_leader", "message": "no replica leads right now (the lease moves to a live replica within a few seconds); retry"}}"#

    /// Answers `POST /api/v1/devices/x/drain` with 503 `no_leader` `refusals` times, then a drain report.
    static func electing(refusals: Int) async throws -> (base: String, hits: Hits) {
        let hits = Hits()
        let server = try await startServer {
            let router = Router()
            router.post("api/v1/devices/{id}/drain") { _, _ -> Response in
                let hit = hits.count.withLock { count in
                    count += 1
                    return count
                }
                let body = hit <= refusals ? noLeader : #"{"device": "dev-aaaaaaaaaaaa", "moved": [], "stayed": []}"#
                return Response(
                    status: hit <= refusals ? .serviceUnavailable : .ok, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: body)))
            }
            return router
        }
        return (server.base, hits)
    }

    @Test("a drain sent while no replica leads goes through once one does")
    func waitsForALeader() async throws {
        let (base, hits) = try await Self.electing(refusals: 3)
        var client = TideClient(baseURL: base, token: nil)
        // Room for a loaded machine, where each answer may take seconds.
        client.noLeaderPatience = .seconds(120)
        let report = try await client.drainDevice(DeviceID("dev-aaaaaaaaaaaa"))
        #expect(report.device == DeviceID("dev-aaaaaaaaaaaa"))
        #expect(hits.count.withLock { $0 } == 4, "three refusals, then the answer")
    }

    @Test("without a leader within its patience the client stops and says why")
    func givesUp() async throws {
        let (base, hits) = try await Self.electing(refusals: 1000)
        var client = TideClient(baseURL: base, token: nil)
        client.noLeaderPatience = .seconds(1)
        do {
            _ = try await client.drainDevice(DeviceID("dev-aaaaaaaaaaaa"))
            Issue.record("a drain without a leader succeeded")
        } catch {
            #expect(error.code == "no_leader" && error.message.contains("no replica leads right now"), "\(error)")
        }
        // Every half second within a second: at most 3 (fewer when the machine is slow to answer).
        #expect((1...3).contains(hits.count.withLock { $0 }), "\(hits.count.withLock { $0 }) requests")
    }
}

final class Hits: Sendable {
    let count = Mutex(0)
}
