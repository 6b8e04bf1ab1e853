import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TideHTTP
import TideLiquid
import TideModel
import TidePackageFormat

/// `GET` and `PUT /deploy/<deploymentId>/modules/<module>/state`: a module instance's state
/// (liquid state), taken between two calls and put back into a fresh instance of the same module;
/// for a pre-copied move, a whole snapshot first (kept on the old device, staged on the new) and
/// then only the pages changed since.
/// Calls that arrive meanwhile wait on the module's queue and run on the state as it was taken or
/// restored. Only the orchestrator may ask.
struct StateRoutes: Sendable {
    let deployer: Deployer
    let authority: ControlAuthority
    let limits: SnapshotLimits
    let staging: StagedSnapshots

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
            return try await take(request, context)
        }
        router.put("deploy/{deploymentId}/modules/{module}/state") { request, context in
            try await authority.check(request, context)
            return try await put(request, context)
        }
    }

    /// The whole state (`?precopy=true` also keeps its memory for a delta), or with
    /// `?base=<digest>` the changes since that pre-copy.
    private func take(_ request: Request, _ context: SupervisorRequestContext) async throws -> Response {
        let (instance, digest) = try await target(context)
        var base: BlobDigest?
        if let text = request.uri.queryParameters["base"] {
            guard let digest = BlobDigest(String(text)) else { throw SupervisorError.badRequest("base must be a snapshot digest (sha256:...)") }
            base = digest
        }
        let precopy = request.uri.queryParameters["precopy"] == "true"
        let bytes: [UInt8]
        let started = ContinuousClock.now
        var taken = started
        do throws(SnapshotError) {
            if let base {
                let delta = try await instance.delta(since: base, moduleDigest: digest, limits: limits)
                taken = ContinuousClock.now
                bytes = try SnapshotCoding.encode(delta)
            } else {
                let snapshot = try await instance.snapshot(moduleDigest: digest, limits: limits)
                taken = ContinuousClock.now
                bytes = try SnapshotCoding.encode(snapshot)
                if precopy, let snapshotDigest = SnapshotCoding.digest(of: bytes) { instance.keepBase(snapshot, digest: snapshotDigest) }
            }
        } catch {
            throw Self.refusal(error)
        }
        var headers: HTTPFields = [.contentType: Self.contentType]
        if let timing = Self.timingHeader {
            headers[timing] = Self.timing(["snapshot": taken - started, "held": instance.lastHeld, "encode": ContinuousClock.now - taken])
        }
        if let name = Self.digestHeader, let snapshotDigest = SnapshotCoding.digest(of: bytes) { headers[name] = snapshotDigest.prefixed }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Restores a whole snapshot or a delta on a staged one; with `?stage=true` stages a whole
    /// snapshot for a delta to come (the deployment need not be here yet).
    private func put(_ request: Request, _ context: SupervisorRequestContext) async throws -> Response {
        let deploymentId = try SafeName.check(try context.parameters.require("deploymentId"), as: "deployment id")
        let module = try SafeName.check(try context.parameters.require("module"), as: "module name")
        let stage = request.uri.queryParameters["stage"] == "true"
        let restoring = stage ? nil : try await target(context)
        let body = try await snapshotBody(request)
        let done: Done
        do throws(SnapshotError) {
            done = try await restoreOrStage(body, into: restoring, key: (deploymentId, module))
        } catch {
            throw Self.refusal(error)
        }
        return try Self.withTiming(done.timing, Response.json(Restored(
            status: restoring == nil ? "staged" : "restored", deploymentId: deploymentId, module: done.snapshot.module,
            snapshotDigest: SnapshotCoding.digest(of: body)?.prefixed ?? "", takenAt: done.snapshot.takenAt,
            memoryBytes: done.memoryBytes)))
    }

    private func snapshotBody(_ request: Request) async throws -> [UInt8] {
        let result: Result<[UInt8], APIError>
        do {
            result = .success(try await request.bodyBytes(limit: limits.maxEncodedBytes))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let bytes): return bytes
        case .failure(let error) where error.status == .contentTooLarge:
            throw SupervisorError.tooLarge(
                "the snapshot is larger than \(limits.maxEncodedBytes) bytes (tide supervisor --max-snapshot-bytes \(limits.maxMemoryBytes))")
        case .failure(let error):
            throw error
        }
    }

    private struct Done {
        var snapshot: InstanceSnapshot
        var memoryBytes: Int
        var timing: String
    }

    /// Decodes `body` (a delta is applied to its staged base) and restores it into `target`, or
    /// stages it when there is none.
    private func restoreOrStage(
        _ body: [UInt8], into target: (instance: ModuleInstance, digest: BlobDigest)?, key: (deployment: String, module: String)
    ) async throws(SnapshotError) -> Done {
        let started = ContinuousClock.now
        var state: StagedState
        switch try SnapshotCoding.decodeContents(body, limits: limits) {
        case .whole(let whole):
            state = StagedState(whole)
        case .delta(let delta):
            guard var staged = await staging.take(StagedSnapshots.Key(deployment: key.deployment, module: key.module, digest: delta.base)) else {
                throw .missingBase(
                    "snapshot \(delta.base.hex.prefix(12)) of \(key.deployment)/\(key.module) is not staged on this device (staged snapshots last \(StagedSnapshots.lifetime.secondsText))")
            }
            try staged.apply(delta)
            state = staged
        }
        let decoded = ContinuousClock.now
        guard let target else {
            guard let digest = SnapshotCoding.digest(of: body) else { throw .damaged("it has no digest") }
            let staged = StagedState(staging: state.snapshot)
            await staging.stage(staged, as: StagedSnapshots.Key(deployment: key.deployment, module: key.module, digest: digest))
            return Done(snapshot: staged.snapshot, memoryBytes: staged.memoryBytes, timing: Self.timing(["decode": decoded - started]))
        }
        let memoryBytes = state.memoryBytes
        try await target.instance.restore(state, moduleDigest: target.digest)
        return Done(
            snapshot: state.snapshot, memoryBytes: memoryBytes,
            timing: Self.timing(["decode": decoded - started, "restore": ContinuousClock.now - decoded]))
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
        parts.map { name, duration in "\(name);dur=\(String(format: "%.3f", duration.inMilliseconds))" }.joined(separator: ", ")
    }

    private static func withTiming(_ timing: String, _ response: Response) -> Response {
        var response = response
        if let name = timingHeader { response.headers[name] = timing }
        return response
    }

    private static func refusal(_ error: SnapshotError) -> SupervisorError {
        if case .tooLarge = error { return .tooLarge(error.description) }
        if case .missingBase = error { return SupervisorError(.snapshotBaseMissing, error.description) }
        return SupervisorError(.snapshotRefused, error.description)
    }
}
