import Foundation
import Logging
import NIOConcurrencyHelpers
import TideDiscovery
import TideSupervisor

/// The supervisor's mDNS announcement: `_webthing._tcp` with the wasmiot TXT keys (`path`, `tls`,
/// `address`) and Tide's (`tide-id`, `tide-version`), withdrawn when the supervisor stops.
final class Announcement: Sendable {
    private let publisher = NIOLockedValueBox<ServicePublisher?>(nil)

    func start(name: String, port: Int, address: String, dataDirectory: String, logger: Logger) {
        var txt = ["path": "/", "tls": "0", "address": address, "tide-version": TideVersion.current]
        if let id = try? DeviceIdentity.loadOrCreate(at: (try? DataDirectory(root: dataDirectory))?.deviceIDPath ?? dataDirectory + "/device-id") {
            txt["tide-id"] = id
        }
        do {
            let service = try ServicePublisher(ServiceDescription(name: name, port: UInt16(port), txt: txt), logger: logger)
            try service.start()
            publisher.withLockedValue { $0 = service }
            Task {
                // Renames and failures the publisher logs itself.
                for await case .daemonUnavailable(let reason) in service.events {
                    logger.warning("avahi-daemon is not reachable (\(reason)); the device is announced once it is")
                }
            }
            logger.notice("announcing \(name) over mDNS (_webthing._tcp, port \(port), address \(address))")
        } catch {
            logger.warning("cannot announce over mDNS: \(error)")
        }
    }

    func stop() {
        publisher.withLockedValue { service in
            service?.stop()
            service = nil
        }
    }
}
