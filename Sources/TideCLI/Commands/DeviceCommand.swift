import ArgumentParser
import Foundation
import TideClient
import TideModel

struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "List, inspect, register, approve, revoke, label, cordon, drain and remove devices.",
        subcommands: [
            List.self, Show.self, Add.self, Approve.self, Revoke.self, Remove.self, Label.self, Cordon.self, Uncordon.self,
            Drain.self, JoinTokenCommand.self,
        ]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List devices: id, name, address (https:// for enrolled devices, http:// for devices without a certificate), status, since, trust, memory, interfaces.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only devices with this status (alive, suspect, dead).")
        var status: DeviceStatus?

        func run() async throws {
            let devices = try await call { try await client.client().devices(status: status) }
            if output.json { return print(try TideJSON.text(DeviceList(devices: devices))) }
            var table = Table(header: ["ID", "NAME", "ADDRESS", "STATUS", "SINCE", "TRUST", "MEMORY", "INTERFACES"])
            for device in devices {
                table.rows.append([
                    device.id.rawValue, device.name, device.endpoint?.baseURL ?? "-", device.status.rawValue,
                    Formatting.ago(device.statusSince), device.trust.rawValue, Formatting.bytes(device.capabilities.memoryBytes),
                    String(device.capabilities.interfaces.count),
                ])
            }
            print(table.render())
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one device in full.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Device id.") var id: String

        func run() async throws {
            let device = try await call { try await client.client().device(DeviceID(id)) }
            if output.json { return print(try TideJSON.text(device)) }
            print(DeviceDetails.render(device))
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Register a device by the address of its supervisor.",
            discussion: "The server fetches the device's description and health; it stores nothing unless both are usable.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: ArgumentHelp("The supervisor's address.", valueName: "host:port")) var address: String
        @Option(help: "A name for the device (default: what it reports, or its address).") var name: String?

        func run() async throws {
            let device = try await call { try await client.client().addDevice(address: address, name: name) }
            if output.json { return print(try TideJSON.text(device)) }
            print("\(device.id)  \(device.name)  \(device.endpoint?.description ?? address)  \(device.status.rawValue)")
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve",
            abstract: "Trust a device that registered itself or was found over mDNS, so that it takes work.",
            discussion: """
                Devices that enter through an open route are unverified: listed and watched, but given no \
                work and never sent the fleet's supervisor token. Approve one after checking that its \
                address and description are what you expect (tide device show ID). A Tide supervisor \
                started with the fleet's --token proves itself with its heartbeats and needs no approval.
                """)
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Device id.") var id: String

        func run() async throws {
            let device = try await call { try await client.client().approveDevice(DeviceID(id)) }
            if output.json { return print(try TideJSON.text(device)) }
            print("approved \(device.id)  \(device.name)  \(device.endpoint?.description ?? "-")")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Stop trusting a device at once: its steps move elsewhere, its heartbeats are refused.",
            discussion: """
                For a device that was stolen or misbehaves. It is dead to the fleet from now on: no work, no \
                probes, no supervisor token, heartbeats answered with 403, even with the fleet's token. Its \
                events stay. tide device approve brings it back. Rotate the fleet's supervisor token too if the \
                device held it (docs/security.md).
                """)
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Device id.") var id: String

        func run() async throws {
            let device = try await call { try await client.client().revokeDevice(DeviceID(id)) }
            if output.json { return print(try TideJSON.text(device)) }
            print("revoked \(device.id)  \(device.name): its steps move elsewhere")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Remove a device from the fleet and refuse its return.",
            discussion: """
                The device is forgotten (its events stay in the log) and its heartbeats and registrations \
                (by its id; a wasmiot supervisor, which reports none, by its address; mDNS discovery too) are \
                refused, also after a server restart, until an operator adds it again (tide device add \
                <host:port>) or it joins with a new join token. Its supervisor is told why in the answer to \
                its heartbeat. To stop trusting a device but keep it listed, use tide device revoke.
                """)
        @OptionGroup var client: ClientOptions
        @Argument(help: "Device id.") var id: String

        func run() async throws {
            try await call { try await client.client().removeDevice(DeviceID(id)) }
            print(Self.answer(id))
        }

        static func answer(_ id: String) -> String {
            "removed \(id); its heartbeats and registrations are refused until it is added again (tide device add) "
                + "or joins with a new join token"
        }
    }

    struct Label: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "label", abstract: "Set (key=value) or remove (key-) operator labels of a device.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Device id.") var id: String
        @Argument(help: ArgumentHelp("Changes: key=value sets, key- removes.", valueName: "key=value|key-"))
        var changes: [String]

        func validate() throws {
            guard !changes.isEmpty else { throw ValidationError("give at least one key=value or key-") }
            _ = try parsedChanges()
        }

        func parsedChanges() throws -> [String: String?] {
            var result: [String: String?] = [:]
            for change in changes {
                if let equals = change.firstIndex(of: "=") {
                    result[String(change[..<equals])] = String(change[change.index(after: equals)...])
                } else if change.hasSuffix("-"), change.count > 1 {
                    result[String(change.dropLast())] = .some(nil)
                } else {
                    throw ValidationError("\"\(change)\" is neither key=value nor key-")
                }
            }
            return result
        }

        func run() async throws {
            let changes = try parsedChanges()
            let device = try await call { try await client.client().label(DeviceID(id), changes) }
            if output.json { return print(try TideJSON.text(device)) }
            let labels = device.labels.keys.sorted().map { "\($0)=\(device.labels[$0] ?? "")" }
            print("\(device.id) labels: \(labels.isEmpty ? "(none)" : labels.joined(separator: ", "))")
        }
    }
}

extension DeviceStatus: ExpressibleByArgument {}

/// Runs a client call, turning its failure into the one-line CLI failure.
func call<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ClientError {
        throw CLIFailure(error.message)
    }
}
