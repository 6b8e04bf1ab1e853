import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TideModel

/// Many fake supervisors in one process, for the monitor and deploy benchmarks: each listens on its
/// own loopback address (127.77.x.y) and the same port, answers `/health` and its description, and
/// can be made to refuse (closed) or hang. With a deploy agent, it also takes `POST /deploy` and
/// `DELETE /deploy/<id>` (no Wasm runs). Simulated devices: labelled as such in their description.
final class SimulatedFleet: Sendable {
    enum Mode: Sendable {
        case healthy
        case hanging
    }

    struct Member: Sendable {
        var id: DeviceID
        var host: String
    }

    let port: Int
    let members: [Member]
    private let group: MultiThreadedEventLoopGroup
    private let channels: NIOLockedValueBox<[DeviceID: any Channel]>
    private let connections: NIOLockedValueBox<[DeviceID: [any Channel]]>
    private let modes: NIOLockedValueBox<[DeviceID: Mode]>

    private init(
        port: Int, members: [Member], group: MultiThreadedEventLoopGroup, channels: [DeviceID: any Channel],
        connections: NIOLockedValueBox<[DeviceID: [any Channel]]>, modes: NIOLockedValueBox<[DeviceID: Mode]>
    ) {
        self.port = port
        self.members = members
        self.group = group
        self.channels = NIOLockedValueBox(channels)
        self.connections = connections
        self.modes = modes
    }

    static func host(_ index: Int) -> String { "127.77.\(index / 250).\(index % 250 + 1)" }

    /// Binds `count` devices on `port`. `agent` handles their deploys; without one, `/deploy` is 404.
    /// With `tls` they serve HTTPS with that context (one fleet certificate for all, as enrolled devices).
    /// With `closeEachConnection` every answer closes its connection (see `SimulatedDeviceHandler`).
    /// The devices share `threads` event loops.
    static func start(
        count: Int, port: Int, agent: SimulatedDeployAgent? = nil, tls: NIOSSLContext? = nil, closeEachConnection: Bool = false,
        threads: Int = 1
    ) async throws -> SimulatedFleet {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let modes = NIOLockedValueBox<[DeviceID: Mode]>([:])
        let connections = NIOLockedValueBox<[DeviceID: [any Channel]]>([:])
        var channels: [DeviceID: any Channel] = [:]
        var members: [Member] = []
        for index in 0..<count {
            let member = Member(id: DeviceID(String(format: "sim-%05d", index)), host: host(index))
            let id = member.id
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    connections.withLockedValue { $0[id, default: []].append(channel) }
                    channel.closeFuture.whenComplete { _ in
                        connections.withLockedValue { $0[id]?.removeAll { $0 === channel } }
                    }
                    return channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(
                            SimulatedDeviceHandler(member: member, modes: modes, agent: agent, closeEachConnection: closeEachConnection))
                    }
                }
                .bind(host: member.host, port: port).get()
            channels[id] = channel
            members.append(member)
        }
        return SimulatedFleet(port: port, members: members, group: group, channels: channels, connections: connections, modes: modes)
    }

    func setMode(_ mode: Mode, for id: DeviceID) { modes.withLockedValue { $0[id] = mode } }

    /// Closes the device's listener and its open connections, as the kernel does after SIGKILL:
    /// new connections are refused from now on.
    func close(_ id: DeviceID) async {
        let channel = channels.withLockedValue { $0.removeValue(forKey: id) }
        try? await channel?.close()
        for connection in connections.withLockedValue({ $0.removeValue(forKey: id) ?? [] }) {
            try? await connection.close()
        }
    }

    /// The /proc stat files of the devices' event-loop threads (for their CPU time).
    func threadStatFiles() async throws -> [String] {
        var files: [String] = []
        for loop in group.makeIterator() {
            // /proc/thread-self links to PID/task/TID of the thread that reads it.
            let task = try await loop.submit { try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self") }.get()
            files.append("/proc/\(task)/stat")
        }
        return files
    }

    func shutdown() async {
        for channel in channels.withLockedValue({ Array($0.values) }) { try? await channel.close() }
        try? await group.shutdownGracefully()
    }

    /// A description as a Tide supervisor would send, marked simulated.
    static func description(of member: Member) -> JSONValue {
        [
            "platform": ["memory": ["bytes": 536_870_912], "cpu": ["humanReadableName": "simulated", "clockSpeed": ["Hz": 1_000_000_000]]],
            "supervisorInterfaces": ["fd_write", "millis"],
            "tide": ["id": .string(member.id.rawValue), "name": .string(member.id.rawValue), "labels": ["simulated": "true"]],
        ]
    }
}
