import AsyncHTTPClient
import Foundation
import NIOCore
import TideModel

/// Downloads binaries and data files into the blob cache, checking digests when the node gives
/// them; a digest already cached is not downloaded again. Each download, headers and body, must
/// end within `timeout` and stay within `maxBytes`; nothing that fails a check is stored.
struct BlobFetcher: Sendable {
    let client: HTTPClient
    let cache: BlobCache
    let timeout: Duration
    let maxBytes: Int
    let metrics: SupervisorMetrics

    /// The digest of the file at `url`, stored in the cache only once it matches `expected` (when
    /// given) and `validate` accepts it, so the cache never holds a file that failed a check.
    func fetch(
        _ url: String, expected: String?, what: String,
        validate: @Sendable ([UInt8]) throws(SupervisorError) -> Void = { _ throws(SupervisorError) in }
    ) async throws(SupervisorError) -> String {
        if let expected, cache.contains(expected) {
            metrics.cacheLookup(hit: true)
            return expected
        }
        metrics.cacheLookup(hit: false)
        let bytes: [UInt8]
        do throws(SupervisorError) {
            bytes = try await download(url, what: what)
        } catch {
            metrics.downloaded(bytes: nil)
            throw error
        }
        metrics.downloaded(bytes: bytes.count)
        let digest = BlobCache.digest(of: bytes)
        if let expected, digest != expected {
            throw .deployFailed("\(what) from \(url) has SHA-256 \(digest), but the deployment expects \(expected)")
        }
        if cache.contains(digest) { return digest }
        try validate(bytes)
        try cache.store(bytes)
        return digest
    }

    /// The body of `url`, or an error once `timeout` has passed since the request started.
    private func download(_ url: String, what: String) async throws(SupervisorError) -> [UInt8] {
        let timeout = self.timeout
        let outcome = await withTaskGroup(of: Result<[UInt8], SupervisorError>?.self) { group in
            group.addTask { await self.transfer(url, what: what) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let outcome else {
            throw .deployFailed(
                "downloading \(what) from \(url) took longer than the limit of \(timeout.secondsText) for the whole download, headers and body (tide supervisor --download-timeout)")
        }
        return try outcome.get()
    }

    private func transfer(_ url: String, what: String) async -> Result<[UInt8], SupervisorError> {
        let request = HTTPClientRequest(url: url)
        let seconds = Int64(timeout.components.seconds) + (timeout.components.attoseconds > 0 ? 1 : 0)
        let tooLarge = SupervisorError.deployFailed(
            "\(what) from \(url) is larger than the limit of \(maxBytes) bytes (tide supervisor --max-download-bytes)")
        do {
            let response = try await client.execute(request, timeout: .seconds(seconds))
            guard response.status == .ok else {
                return .failure(.deployFailed("downloading \(what) from \(url) answered HTTP \(response.status.code)"))
            }
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
                return .failure(tooLarge)
            }
            var bytes: [UInt8] = []
            for try await chunk in response.body {
                guard bytes.count + chunk.readableBytes <= maxBytes else { return .failure(tooLarge) }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
            return .success(bytes)
        } catch {
            return .failure(.deployFailed("cannot download \(what) from \(url): \(error)"))
        }
    }
}
