import Foundation
import TideModel

extension TideClient {
    /// How long `apply` waits for an answer: the server itself waits about a minute for the deploy
    /// to settle, and answers with the deployment still `deploying` when it takes longer.
    static let applyTimeout = Duration.seconds(150)
    /// How long `run` waits for a whole pipeline (the server gives each step call up to a minute).
    static let runTimeout = Duration.seconds(300)

    /// Creates the deployment `manifest` (YAML or JSON text) names, or updates it when one of that
    /// name exists. With `wait`, the answer comes once the deploy has settled (active, degraded or
    /// failed, or still deploying when the server's wait ran out); without, at once with status `deploying`.
    /// `fileName` (the operator's file, without its directory) is what manifest errors name.
    public func apply(manifest: [UInt8], json: Bool, fileName: String? = nil, wait: Bool = true) async throws(ClientError)
        -> Deployment
    {
        let query = (wait ? [] : ["wait=false"]) + (fileName.map { ["file=" + queryEscaped($0)] } ?? [])
        let path = "/api/v1/deployments" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let answer = try await exchange(
            .POST, path, body: Data(manifest), contentType: json ? "application/json" : "application/yaml",
            timeout: wait ? max(timeout, Self.applyTimeout) : timeout)
        return try decode(Deployment.self, answer, what: "POST /api/v1/deployments")
    }

    public func deployments() async throws(ClientError) -> [DeploymentSummary] {
        try await send(.GET, "/api/v1/deployments", as: [DeploymentSummary].self)
    }

    public func deployment(_ name: String) async throws(ClientError) -> Deployment {
        try await send(.GET, "/api/v1/deployments/\(escaped(name))", as: Deployment.self)
    }

    /// Removes the deployment from its devices and from the server.
    public func removeDeployment(_ name: String) async throws(ClientError) -> DeploymentRemoval {
        try await send(.DELETE, "/api/v1/deployments/\(escaped(name))", as: DeploymentRemoval.self)
    }

    /// What the operator can ask of a rollout under way.
    public enum RolloutAction: String, Sendable, CaseIterable {
        case pause, resume, abort
    }

    /// Pauses, resumes or aborts (reverts) the deployment's rollout; the answer is the deployment
    /// as it stands (a running rollout takes a pause or abort at its next stage).
    public func rollout(_ name: String, _ action: RolloutAction) async throws(ClientError) -> Deployment {
        try await send(.POST, "/api/v1/deployments/\(escaped(name))/\(action.rawValue)", as: Deployment.self)
    }

    /// Runs the deployment's pipeline once; `inputs` are the first steps' arguments by parameter
    /// name (or `param0`...). A failed step is no error: the result says `success: false`.
    public func run(_ name: String, inputs: [String: JSONValue] = [:]) async throws(ClientError) -> RunResult {
        try await send(
            .POST, "/api/v1/deployments/\(escaped(name))/run", body: RunRequest(inputs: inputs), as: RunResult.self,
            timeout: max(timeout, Self.runTimeout))
    }

    /// Runs the pipeline with bytes inputs as well: sent as multipart/form-data, a file part per
    /// entry of `files` (input name -> file name and bytes), a text part per number of `inputs`.
    public func run(_ name: String, inputs: [String: JSONNumber], files: [String: (fileName: String, bytes: [UInt8])])
        async throws(ClientError) -> RunResult
    {
        var body = MultipartBody()
        for (input, number) in inputs.sorted(by: { $0.key < $1.key }) { body.field(input, number.text) }
        for (input, file) in files.sorted(by: { $0.key < $1.key }) { body.file(input, fileName: file.fileName, file.bytes) }
        let path = "/api/v1/deployments/\(escaped(name))/run"
        let answer = try await exchange(
            .POST, path, body: Data(body.finished()), contentType: body.contentType, timeout: max(timeout, Self.runTimeout))
        return try decode(RunResult.self, answer, what: "POST \(path)")
    }

    /// The bytes of a step's bytes result (its `value` in a run: a URL on a device), fetched
    /// through the server, which may reach devices this client cannot.
    public func resultFile(_ name: String, url: String) async throws(ClientError) -> Data {
        try await exchange(
            .GET, "/api/v1/deployments/\(escaped(name))/result-file?url=" + queryEscaped(url), body: nil,
            timeout: max(timeout, Self.runTimeout))
    }
}
