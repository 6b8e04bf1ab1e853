import AsyncHTTPClient
import Foundation
import NIOCore

/// Downloads binaries and data files into the blob cache, checking digests when the node gives
/// them; a digest already cached is not downloaded again.
struct BlobFetcher: Sendable {
    let client: HTTPClient
    let cache: BlobCache
    let timeout: Duration
    let maxBytes: Int

    func fetch(_ url: String, expected: String?, what: String) async throws(SupervisorError) -> String {
        if let expected, cache.contains(expected) { return expected }
        let bytes = try await download(url, what: what)
        let digest = BlobCache.digest(of: bytes)
        if let expected, digest != expected {
            throw .deployFailed("\(what) from \(url) has SHA-256 \(digest), but the deployment expects \(expected)")
        }
        try cache.store(bytes)
        return digest
    }

    private func download(_ url: String, what: String) async throws(SupervisorError) -> [UInt8] {
        let request = HTTPClientRequest(url: url)
        let seconds = Int64(timeout.components.seconds) + (timeout.components.attoseconds > 0 ? 1 : 0)
        do {
            let response = try await client.execute(request, timeout: .seconds(seconds))
            guard response.status == .ok else {
                throw SupervisorError.deployFailed("downloading \(what) from \(url) answered HTTP \(response.status.code)")
            }
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
                throw SupervisorError.deployFailed("\(what) from \(url) is \(length) bytes, more than the limit of \(maxBytes)")
            }
            let body = try await response.body.collect(upTo: maxBytes)
            return Array(body.readableBytesView)
        } catch let error as SupervisorError {
            throw error
        } catch is NIOTooManyBytesError {
            throw .deployFailed("\(what) from \(url) is larger than the limit of \(maxBytes) bytes")
        } catch {
            throw .deployFailed("cannot download \(what) from \(url): \(error)")
        }
    }
}
