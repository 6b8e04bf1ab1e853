import ArgumentParser
import TideModel

extension DeviceCommand {
    struct Cordon: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cordon",
            abstract: "Keep new work off a device; the steps already there stay.",
            discussion: """
                New deployments, failovers and rebalancing place no step on a cordoned device; what runs \
                there goes on running. tide device drain moves those steps too; tide device uncordon lets \
                the device take work again. A cordon is stored: it holds across server restarts.
                """)
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Device id.") var id: String

        func run() async throws {
            let device = try await call { try await client.client().cordonDevice(DeviceID(id)) }
            if output.json { return print(try TideJSON.text(device)) }
            print("cordoned \(device.id)  \(device.name): no new work; its steps stay (tide device drain moves them)")
        }
    }

    struct Uncordon: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "uncordon", abstract: "Let a cordoned or drained device take work again.",
            discussion: "Steps that left it stay where they went (tide server --rebalance may move them back).")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Device id.") var id: String

        func run() async throws {
            let device = try await call { try await client.client().cordonDevice(DeviceID(id), false) }
            if output.json { return print(try TideJSON.text(device)) }
            print("uncordoned \(device.id)  \(device.name): it takes work again")
        }
    }

    struct Drain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drain",
            abstract: "Cordon a device and move every step off it, with the state of stateful steps.",
            discussion: """
                For maintenance: the device is cordoned, then each deployment with a step on it is placed \
                again without it and deployed. A step whose manifest says state: keep carries its state: \
                its whole state is first copied to the device a dry run places it on while calls still run; \
                then the deployment's runs wait (those under way finish first), only the memory pages \
                changed since are taken on the device and restored on the new one, and the runs go on \
                there; none fails and none runs twice. A state that cannot move (another module version on the new device, larger than \
                --max-snapshot-bytes, a wasmiot device) is lost and the step starts fresh; the answer and \
                a deployment.state event say why. Steps no other device can take stay, with the reason, \
                and the command exits with status 1. See docs/liquid.md.
                """)
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Device id.") var id: String

        func run() async throws {
            let client = try client.client()
            let report = try await call { try await client.drainDevice(DeviceID(id)) }
            if output.json {
                print(try TideJSON.text(report))
            } else {
                print(Self.lines(report, names: await DeviceNames.load(client)).joined(separator: "\n"))
            }
            if !report.stayed.isEmpty { throw ExitCode(1) }
        }

        static func lines(_ report: DrainReport, names: DeviceNames = DeviceNames()) -> [String] {
            var lines = ["drained \(names.label(report.device)): \(report.moved.count) step(s) moved, \(report.stayed.count) stayed"]
            for move in report.moved {
                var line = "  \(move.deployment)/\(move.step)  \(names.label(move.from)) -> \(names.label(move.to))"
                if let state = move.state {
                    switch state.outcome {
                    case .carried:
                        let changes = state.changedBytes.map { ", pre-copied, \(ByteCount.format(UInt64($0))) of changes in the pause" } ?? ""
                        line += "  state carried (\(ByteCount.format(UInt64(state.bytes ?? 0)))\(changes), calls waited \(state.pausedMs ?? 0) ms)"
                    case .restored: line += "  state restored from a checkpoint"
                    case .lost: line += "  state lost: \(state.reason ?? "unknown")"
                    }
                }
                lines.append(line)
            }
            for stayed in report.stayed { lines.append("  \(stayed.deployment)/\(stayed.step)  stays: \(stayed.reason)") }
            return lines
        }
    }
}
