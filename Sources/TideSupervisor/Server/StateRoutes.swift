import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TideHTTP
import TideLiquid
import TidePackageFormat

/// `GET` and `PUT /deploy/<deploymentId>/modules/<module>/state`: a module instance's state
/// (liquid state), taken between two calls and put back into a fresh instance of the same module.
/// Calls that arrive meanwhile wait on the module's queue and run on the state as it was taken or
/// restored. Only the orchestrator may ask.
struct StateRoutes: Sendable {
    let deployer: Deployer
    let authority: ControlAuthority
    let limits: SnapshotLimits

    struct Restored: Encodable {
        var status: String
        var deploymentId: String
        var module: String
        var snapshotDigest: String
        var takenAt: Date
        var memoryBytes: Int
    }

    static let contentType = "application/vnd.tide.snapshot"
    static let digestHeader = HTTPField.Name("X-Tide-Snapshot-Digest")

    func add(to router: Router<SupervisorRequestContext>) {
        router.get("deploy/{deploymentId}/modules/{module}/state") { request, context in
            try await authority.check(request, context)
            let (instance, digest) = try await target(context)
            let bytes: [UInt8]
            let started = ContinuousClock.now
            var taken = started
            do throws(SnapshotError) {
                let snapshot = try await instance.snapshot(moduleDigest: digest, limits: limits)
                taken = ContinuousClock.now
                bytes = try SnapshotCoding.encode(snapshot)
            } catch {
                throw Self.refusal(error)
            }
            var headers: HTTPFields = [.contentType: Self.contentType]
            if let timing = Self.timingHeader {
                headers[timing] = Self.timing(["snapshot": taken - started, "encode": ContinuousClock.now - taken])
            }
            if let name = Self.digestHeader, let snapshotDigest = SnapshotCoding.digest(of: bytes) { headers[name] = snapshotDigest.prefixed }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.put("deploy/{deploymentId}/modules/{module}/state") { request, context in
            try await authority.check(request, context)
            let (instance, digest) = try await target(context)
            let body: [UInt8]
            do {
                body = try await request.bodyBytes(limit: limits.maxEncodedBytes)
            } catch let error as APIError where error.status == .contentTooLarge {
                throw SupervisorError.tooLarge(
                    "the snapshot is larger than \(limits.maxEncodedBytes) bytes (tide supervisor --max-snapshot-bytes \(limits.maxMemoryBytes))")
            }
            do {
                let started = ContinuousClock.now
                let snapshot = try SnapshotCoding.decode(body, limits: limits)
                let decoded = ContinuousClock.now
                try await instance.restore(snapshot, moduleDigest: digest)
                let timing = Self.timing(["decode": decoded - started, "restore": ContinuousClock.now - decoded])
                return try Self.withTiming(timing, Response.json(Restored(
                    status: "restored", deploymentId: try context.parameters.require("deploymentId"), module: snapshot.module,
                    snapshotDigest: SnapshotCoding.digest(of: body)?.prefixed ?? "", takenAt: snapshot.takenAt,
                    memoryBytes: snapshot.memory.count)))
            } catch let error as SnapshotError {
                throw Self.refusal(error)
            }
        }
    }

    private func target(_ context: SupervisorRequestContext) async throws -> (ModuleInstance, BlobDigest) {
        let id = try SafeName.check(try context.parameters.require("deploymentId"), as: "deployment id")
        let module = try SafeName.check(try context.parameters.require("module"), as: "module name")
        guard let deployment = await deployer.deployment(id) else { throw SupervisorError.notFound("no deployment \(id) on this device") }
        guard let instance = deployment.modules[module] else { throw SupervisorError.notFound("deployment \(id) has no module \(module)") }
        guard let digest = deployment.moduleDigests[module] else {
            throw SupervisorError.internalFailure("deployment \(id) keeps no digest for module \(module)")
        }
        return (instance, digest)
    }

    static let timingHeader = HTTPField.Name("Server-Timing")

    /// `Server-Timing` (W3C) with each part in milliseconds, for the liquid benchmark and operators.
    private static func timing(_ parts: KeyValuePairs<String, Duration>) -> String {
        parts.map { name, duration in
            let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
            return "\(name);dur=\(String(format: "%.3f", milliseconds))"
        }.joined(separator: ", ")
    }

    private static func withTiming(_ timing: String, _ response: Response) -> Response {
        var response = response
        if let name = timingHeader { response.headers[name] = timing }
        return response
    }

    private static func refusal(_ error: SnapshotError) -> SupervisorError {
        if case .tooLarge = error { return .tooLarge(error.description) }
        return SupervisorError(.snapshotRefused, error.description)
    }
}
