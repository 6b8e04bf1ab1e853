import Foundation
import Hummingbird
import TideHTTP
import TideModel

extension Request {
    /// A run request's inputs: JSON (`{"inputs": {"n": 10, "image": {"url": "http://..."}}}`,
    /// at most `maxBodyBytes`), or multipart/form-data (a part per input, files as bytes; at most
    /// `limits.maxInputBytes` in all). Both checked against `limits` before anything runs.
    func runInputs(maxBodyBytes: Int, limits: RunInputs.Limits) async throws -> RunInputs {
        let contentType = headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("multipart/form-data") else {
            let body = try await bodyData(limit: maxBodyBytes)
            let run = body.isEmpty ? RunRequest() : try await DeploymentRoutes.decodeRun(body)
            return try RunInputs(json: run.inputs, limits: limits)
        }
        let body: [UInt8]
        do {
            body = try await bodyBytes(limit: limits.maxInputBytes)
        } catch {
            guard error.code == "body_too_large" else { throw error }
            throw APIError(
                .contentTooLarge, code: "body_too_large",
                "the multipart run request is larger than the limit of \(limits.maxInputBytes) bytes (tide server --max-run-input-bytes)")
        }
        let parts: [MultipartPart]
        do {
            parts = try MultipartParser.parse(body, contentType: contentType)
        } catch {
            throw APIError.badRequest("the multipart run request is malformed: \(error.message)")
        }
        return try RunInputs(parts: parts, limits: limits)
    }
}
