import Logging
import TideModel
import TideStore

/// What a replica reads again when the shared event log shows a change, whoever made it: the
/// devices an event names, the package it names, every token or certificate after a token or
/// certificate event, and (on a replica that does not lead) the deployments.
struct ReplicaRefresh: Sendable {
    let inventory: Inventory
    let registry: PackageRegistry
    let tokens: OperatorTokens
    let enrollment: Enrollment
    let controller: DeploymentController
    let cluster: ClusterState
    let logger: Logger

    func apply(_ events: [FleetEvent]) async {
        var devices: Set<DeviceID> = []
        var packages: Set<String> = []
        var tokensChanged = false
        var certificatesChanged = false
        var deploymentsChanged = false
        for event in events {
            if let device = event.device, event.kind.rawValue.hasPrefix("device.") { devices.insert(device) }
            switch event.kind {
            case .packagePublished, .packageYanked, .packageUnyanked:
                if case .string(let name)? = event.details?["package"] { packages.insert(name) }
            case .tokenCreated, .tokenRevoked:
                tokensChanged = true
            case .deviceEnrolled, .deviceRenewed, .deviceCertificatesRevoked:
                certificatesChanged = true
            case .deploymentApplied, .deploymentStatusChanged, .deploymentStepChanged, .deploymentStepMoved,
                .deploymentRollout, .deploymentRemoved:
                deploymentsChanged = true
            default:
                break
            }
        }
        await inventory.refresh(devices)
        for name in packages.sorted() {
            do {
                try await registry.reload(name)
            } catch {
                logger.error("cannot read package \(name) after another replica changed it: \(error)")
            }
        }
        if tokensChanged {
            do {
                try await tokens.reload()
            } catch {
                logger.error("cannot read the operator tokens after another replica changed them: \(error)")
            }
        }
        if certificatesChanged {
            do {
                try await enrollment.reloadCertificates()
            } catch {
                logger.error("cannot read the device certificates after another replica changed them: \(error)")
            }
        }
        // The leader is the only writer of deployments; the others follow the store.
        if deploymentsChanged, !cluster.mayLead() {
            await controller.reloadFromStore()
        }
    }
}
