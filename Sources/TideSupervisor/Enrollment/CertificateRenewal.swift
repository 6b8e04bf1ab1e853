import Foundation
import Logging
import ServiceLifecycle

/// Renews the device's certificate once two thirds of its life have passed, retrying every
/// minute on failure; new connections use the new certificate, so nothing restarts.
struct CertificateRenewal: Service {
    let holder: CredentialHolder
    let link: OrchestratorLink
    let keys: PublisherKeyTrust
    let deviceID: String
    let directory: DataDirectory
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let current = holder.credentials
                let wait = current.renewAt.timeIntervalSinceNow
                if wait > 0 {
                    try? await Task.sleep(for: .seconds(min(wait, 3600)))
                    continue
                }
                guard let url = await link.url else {
                    try? await Task.sleep(for: .seconds(60))
                    continue
                }
                do {
                    let renewed = try await Enroller.renew(current, orchestrator: url, deviceID: deviceID, directory: directory, keys: keys)
                    holder.replace(with: renewed)
                    logger.notice("renewed the device certificate; valid until \(renewed.notValidAfter)")
                } catch {
                    logger.warning(
                        "certificate renewal failed (the certificate expires \(current.notValidAfter)); retrying in a minute: \(error)")
                    try? await Task.sleep(for: .seconds(60))
                }
            }
        }
    }
}
