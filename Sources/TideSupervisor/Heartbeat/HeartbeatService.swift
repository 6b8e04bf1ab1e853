import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import TideModel

/// Posts a heartbeat to `<orchestrator>/file/device/heartbeat` every interval (from the start of
/// one to the start of the next, so that a slow answer does not space them out) while an
/// orchestrator is known, with what proves the device belongs to the fleet: its certificate
/// (mutual TLS) once enrolled, else the fleet token (`--token`). Given several orchestrator URLs,
/// heartbeats move to the next after two failures in a row at one (logged at info), and to the
/// replica that watches this device when an answer names one of them; one URL or
/// several, a failure is a warning only once every URL has failed in a row, then at most once a
/// minute while it repeats. None stops the supervisor. A device an operator removed is told so (`device_removed`): that is
/// logged once, as an error, and heartbeats go on less often until one is accepted again.
struct HeartbeatService: Service {
    /// The longest wait between heartbeats of a removed device.
    static let longestRefusedWait: Duration = .seconds(30)

    let link: OrchestratorLink
    let client: HTTPClient
    let interval: Duration
    let token: String?
    /// The enrolled device's credentials, read for each heartbeat (they change on renewal).
    var credentials: CredentialHolder?
    /// Updated when a heartbeat answer names another set of publisher keys than the one held.
    let keys: PublisherKeyTrust
    let logger: Logger
    let beat: @Sendable () async -> Heartbeat

    func run() async throws {
        guard interval > .zero else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            // Each kind of failure is logged at most once a minute.
            var complaints: [String: ContinuousClock.Instant] = [:]
            // Set while the orchestrator refuses this removed device: the next wait.
            var refusedWait: Duration?
            // Watcher URLs named that are not among the orchestrator URLs (said once each).
            var unknownWatchers: Set<String> = []
            while !Task.isCancelled {
                // The interval counts from the start of this heartbeat: a slow answer does not
                // stretch it past the server's silence timeout (1.2 s for heartbeats each second).
                let started = ContinuousClock.now
                if let url = await link.url {
                    do {
                        let ack = try await send(await beat(), to: url)
                        await link.succeeded(at: url)
                        if let watcher = ack?.watcher {
                            switch await link.follow(watcher) {
                            case .moved:
                                logger.info("heartbeats go to \(watcher) from now on: \(url) names it as the replica that watches this device")
                            case .unknown where unknownWatchers.insert(watcher).inserted:
                                let known = await link.urls.joined(separator: ", ")
                                logger.notice(
                                    "\(url) names \(watcher) as the replica that watches this device, which is not one of the orchestrator URLs (\(known)); heartbeats stay at \(url). Give every replica's public URL to --orchestrator")
                            case .alreadyThere, .unknown, .failedRecently:
                                break
                            }
                        }
                        complaints = [:]
                        if refusedWait != nil {
                            refusedWait = nil
                            logger.notice("the orchestrator at \(url) accepts this device's heartbeats again")
                        }
                    } catch let failure as HeartbeatFailure where failure.code == HeartbeatFailure.removedCode {
                        await link.succeeded(at: url)
                        if refusedWait == nil {
                            logger.error(
                                "heartbeat to \(url) refused: \(failure.message ?? "an operator removed this device"); heartbeats go on less often (every \(Self.longestRefusedWait.components.seconds) s at the longest) until it is back")
                        }
                        refusedWait = min(max((refusedWait ?? interval) * 2, interval), max(Self.longestRefusedWait, interval))
                    } catch {
                        let now = ContinuousClock.now
                        let what = Self.describe(error)
                        let urls = await link.urls
                        let verdict = await link.failed(at: url)
                        complaints = complaints.filter { now - $0.value < .seconds(60) }
                        if !verdict.everyURLFailed {
                            if let next = verdict.movedTo {
                                logger.info("heartbeat to \(url) failed twice in a row; sending heartbeats to \(next) from now on: \(what)")
                            } else {
                                let then = urls.count > 1 ? "heartbeats move to the next orchestrator URL" : "a warning follows"
                                logger.info("heartbeat to \(url) failed; \(then) if the next one fails too: \(what)")
                            }
                        } else if complaints[what] == nil {
                            complaints[what] = now
                            let which =
                                urls.count > 1
                                ? "heartbeats failed at every orchestrator URL in a row (\(urls.joined(separator: ", "))), the last to \(url)"
                                : "heartbeat to \(url) failed"
                            logger.warning("\(which) (the same failure again is silent for a minute): \(what)")
                        } else if let next = verdict.movedTo {
                            logger.debug("heartbeat to \(url) failed again; trying \(next): \(what)")
                        }
                    }
                }
                try? await Task.sleep(until: started + (refusedWait ?? interval), clock: .continuous)
            }
        }
    }

    /// The server's answer, when it is one Tide understands.
    private func send(_ heartbeat: Heartbeat, to base: String) async throws -> HeartbeatAck? {
        var request = HTTPClientRequest(url: base + "/file/device/heartbeat")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        if let credentials {
            request.tlsConfiguration = credentials.clientConfiguration
        } else if let token {
            request.headers.add(name: "authorization", value: "Bearer \(token)")
        }
        request.body = .bytes(ByteBuffer(bytes: try TideJSON.encoder().encode(heartbeat)))
        let timeout = max(1, Int64(interval.components.seconds))
        let response = try await client.execute(request, timeout: .seconds(timeout))
        let body = try await response.body.collect(upTo: 64 << 10)
        guard (200..<300).contains(Int(response.status.code)) else {
            let error = Self.error(of: body)
            throw HeartbeatFailure(status: Int(response.status.code), code: error?.code, message: error?.message)
        }
        let ack = try? JSONDecoder().decode(HeartbeatAck.self, from: Data(body.readableBytesView))
        if let credentials, let digest = ack?.publisherKeys, digest != keys.digest {
            try await fetchPublisherKeys(from: base, tls: credentials.clientConfiguration)
        }
        return ack
    }

    /// The orchestrator's publisher keys, over mutual TLS.
    private func fetchPublisherKeys(from base: String, tls: TLSConfiguration) async throws {
        var request = HTTPClientRequest(url: base + "/enroll/publisher-keys")
        request.tlsConfiguration = tls
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 256 << 10)
        guard response.status == .ok else {
            let error = Self.error(of: body)
            throw HeartbeatFailure(status: Int(response.status.code), code: error?.code, message: error?.message)
        }
        let set = try JSONDecoder().decode(PublisherKeySet.self, from: Data(body.readableBytesView))
        if try keys.replace(with: set) {
            logger.notice("the orchestrator's publisher keys changed: trusting its \(set.keys.count) key(s) (\(set.digest)) besides --trusted-key")
        }
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("Connection refused") || text.contains("connectionRefused") { return "connection refused" }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "the orchestrator's certificate is not signed by a CA this supervisor trusts: give its fleet CA with --ca-cert (the server's <data-dir>/tls/ca.pem; compare the fingerprint the server logs)"
        }
        return text
    }

    /// The `error.code` and `error.message` of a Tide error answer, if it is one.
    private static func error(of body: ByteBuffer) -> (code: String?, message: String?)? {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView)) else { return nil }
        return (value["error"]?["code"]?.stringValue, value["error"]?["message"]?.stringValue)
    }
}

struct HeartbeatFailure: Error, CustomStringConvertible {
    /// The orchestrator's code for a device an operator removed.
    static let removedCode = "device_removed"

    let status: Int
    let code: String?
    let message: String?
    var description: String { "the orchestrator answered HTTP \(status)" + (message.map { ": \($0)" } ?? "") }
}
