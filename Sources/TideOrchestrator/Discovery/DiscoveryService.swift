import Logging
import ServiceLifecycle
import TideDiscovery
import TideModel

/// Browses mDNS for supervisors and keeps the inventory in step: a found or re-announced device
/// is registered as by the API (description and health fetched); a withdrawn announcement is
/// failure evidence (suspect, then an immediate probe), never a deletion. Without a reachable
/// avahi-daemon it says so once and keeps retrying; static registration works meanwhile.
struct DiscoveryService: Service {
    let inventory: Inventory
    let registrar: DeviceRegistrar
    let serviceType: String
    let logger: Logger

    func run() async throws {
        let browser: ServiceBrowser
        do {
            browser = try ServiceBrowser(serviceType: serviceType, logger: logger)
            try browser.start()
        } catch {
            logger.warning("mDNS discovery is unavailable (\(error)); register devices with tide device add")
            try? await gracefulShutdown()
            return
        }
        let names = InstanceNames()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await event in browser.events {
                    switch event {
                    case .found(let instance), .updated(let instance):
                        group.addTask { await register(instance, names: names) }
                    case .removed(let name):
                        if let id = await names.device(for: name) {
                            logger.info("mDNS announcement of \(name) withdrawn")
                            await inventory.recordAnnouncementWithdrawn(id)
                        }
                    case .daemonUnavailable(let reason):
                        logger.warning("avahi-daemon is not reachable (\(reason)); discovery retries in the background, static registration works")
                    case .daemonAvailable:
                        logger.notice("mDNS discovery is browsing \(serviceType)")
                    }
                }
            }
        }
        browser.shutdown()
    }

    private func register(_ instance: ServiceInstance, names: InstanceNames) async {
        guard let address = instance.addresses.first(where: { !$0.contains(":") }) ?? instance.addresses.first else {
            logger.warning("mDNS service \(instance.name) has no address")
            return
        }
        let endpoint = DeviceEndpoint(host: address, port: Int(instance.port))
        do {
            let (device, created) = try await registrar.register(
                endpoint, name: instance.name, addresses: instance.addresses, trust: .unverified)
            await names.remember(instance.name, device.id)
            if created { logger.notice("discovered \(instance.name) at \(endpoint) over mDNS: \(device.id)") }
        } catch {
            logger.warning("found \(instance.name) at \(endpoint) over mDNS but could not register it: \(error)")
        }
    }
}

/// Which device each mDNS instance name registered as.
private actor InstanceNames {
    private var devices: [String: DeviceID] = [:]
    func remember(_ name: String, _ id: DeviceID) { devices[name] = id }
    func device(for name: String) -> DeviceID? { devices[name] }
}
