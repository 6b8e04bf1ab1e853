import Foundation
import Logging
import ServiceLifecycle
import TideDiscovery
import TideModel

/// Browses mDNS for supervisors and keeps the inventory in step: a found or re-announced device
/// is registered as by the API (description and health fetched); a withdrawn announcement is
/// failure evidence (suspect, then an immediate probe), never a deletion. A registration that
/// fails (the device not answering yet, a bad description) is retried with backoff while the
/// announcement stands. Without a reachable avahi-daemon it says so once and keeps retrying;
/// static registration works meanwhile.
struct DiscoveryService: Service {
    /// Between failed registrations of one announcement: doubling from the first to the longest.
    static let firstRetry: Duration = .seconds(1)
    static let longestRetry: Duration = .seconds(60)

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
                        await names.withdraw(name)
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

    /// Registers the announced device, retrying with backoff until it works or the announcement
    /// is withdrawn or replaced.
    private func register(_ instance: ServiceInstance, names: InstanceNames) async {
        let usable = Self.usableAddresses(instance.addresses)
        guard let address = usable.first(where: { !$0.contains(":") }) ?? usable.first else {
            logger.warning(
                "mDNS service \(instance.name) announces no address Tide can reach (\(instance.addresses.isEmpty ? "none" : instance.addresses.joined(separator: ", "))): a wasmiot supervisor announces 0.0.0.0 when it finds no address of its own (no default route); register it by address (tide device add) or let it register itself (WASMIOT_ORCHESTRATOR_URL)")
            return
        }
        let endpoint = DeviceEndpoint(host: address, port: Int(instance.port))
        let announcement = await names.announce(instance.name)
        var delay = Self.firstRetry
        var attempt = 1
        while !Task.isCancelled {
            do {
                let (device, created) = try await registrar.register(
                    endpoint, name: instance.name, addresses: usable, trust: .unverified)
                await names.remember(instance.name, device.id)
                if created { logger.notice("discovered \(instance.name) at \(endpoint) over mDNS: \(device.id)") }
                return
            } catch let error as InventoryError where error.code == "device_removed" {
                // Not retried: only an operator (tide device add) or a new enrollment brings it back.
                logger.notice("found \(instance.name) at \(endpoint) over mDNS; not registered: \(error.message)")
                return
            } catch {
                logger.warning(
                    "found \(instance.name) at \(endpoint) over mDNS but could not register it (attempt \(attempt)): \(error); retrying in \(delay.secondsText)")
            }
            do { try await Task.sleep(for: delay) } catch { return }
            guard await names.isCurrent(instance.name, announcement) else { return }
            delay = min(delay * 2, Self.longestRetry)
            attempt += 1
        }
    }
}

extension DiscoveryService {
    /// The announced addresses without the unspecified ones (0.0.0.0, ::): connecting there
    /// reaches the server's own host, not the device.
    static func usableAddresses(_ addresses: [String]) -> [String] {
        addresses.filter { address in
            let trimmed = address.trimmingCharacters(in: .whitespaces)
            return !trimmed.isEmpty && trimmed != "0.0.0.0" && trimmed != "::" && trimmed != "0:0:0:0:0:0:0:0"
        }
    }
}

/// Which device each mDNS instance name registered as, and which announcement of each name is
/// the latest (a retry stops once its announcement is withdrawn or replaced).
private actor InstanceNames {
    private var devices: [String: DeviceID] = [:]
    private var announcements: [String: Int] = [:]
    func remember(_ name: String, _ id: DeviceID) { devices[name] = id }
    func device(for name: String) -> DeviceID? { devices[name] }

    func announce(_ name: String) -> Int {
        announcements[name, default: 0] += 1
        return announcements[name] ?? 0
    }

    func withdraw(_ name: String) { announcements[name, default: 0] += 1 }

    func isCurrent(_ name: String, _ announcement: Int) -> Bool { announcements[name] == announcement }
}
