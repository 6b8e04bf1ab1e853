import Foundation
import Logging
import ServiceLifecycle

/// The simulated devices of `tide dev` as one service. It joins the group before the server, so
/// at shutdown the server stops first and records no device going away; then the devices stop.
struct DevFleet: Service {
    struct Member: Sendable {
        var profile: DevCommand.DevProfile
        var port: Int
        var arguments: [String]
    }

    let members: [Member]
    let executable: URL
    let environment: [String: String]
    /// Yields once the server accepts requests: devices start then, so their first heartbeats count.
    let serverRunning: AsyncStream<Void>
    let logger: Logger
    /// Hears the devices once they run, with their pids.
    let onStarted: @Sendable ([(member: Member, pid: Int32)]) -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in serverRunning { break }
        }
        guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return }
        var devices: [DevDevice] = []
        var failure: CLIFailure?
        for member in members {
            do throws(CLIFailure) {
                let name = member.profile.name
                let logger = self.logger
                devices.append(
                    try DevDevice(
                        name: name, executable: executable, arguments: member.arguments, environment: environment
                    ) { status in
                        logger.notice("simulated device \(name) exited with status \(status); the fleet goes on without it until tide dev restarts")
                    })
            } catch {
                failure = error
                break
            }
        }
        if failure == nil {
            onStarted(zip(members, devices).map { ($0, $1.pid) })
            try? await gracefulShutdown()
        }
        await withDiscardingTaskGroup { group in
            for device in devices { group.addTask { await device.stop() } }
        }
        if let failure { throw failure }
    }
}
