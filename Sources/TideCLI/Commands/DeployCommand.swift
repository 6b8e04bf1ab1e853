import ArgumentParser
import Foundation
import TideClient
import TideModel

struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Apply, list, inspect and remove deployments.",
        discussion: """
            A deployment is a manifest (docs/manifests.md) placed on the fleet and pushed to its devices; \
            see docs/deployments.md. `tide run NAME` calls a deployed pipeline.
            """,
        subcommands: [Apply.self, List.self, Show.self, Remove.self, Pause.self, Resume.self, Abort.self]
    )

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply",
            abstract: "Deploy a manifest, or update the deployment of the same name, and show the progress per device.",
            discussion: """
                Prints one line per step and device as the deploy goes on, then each step's device, state and \
                endpoint. Exits with 1 when the deployment ends up failed. Applying a changed manifest under \
                an existing name updates that deployment: only the steps that changed move.
                """)
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Flag(name: .customLong("dry-run"), help: "Only show where the steps would run (as `tide plan`); store and deploy nothing.")
        var dryRun = false
        @Flag(name: .customLong("no-wait"), help: "Return as soon as the server has stored the deployment, without waiting for the devices.")
        var noWait = false
        @Argument(help: ArgumentHelp("The manifest file (YAML, or JSON when it ends in .json).", valueName: "file"))
        var file: String

        func run() async throws {
            let manifest = try ManifestFile.read(file)
            let json = file.hasSuffix(".json")
            let fileName = URL(fileURLWithPath: file).lastPathComponent
            let client = try client.client()
            if dryRun {
                let answer = try await call { try await client.plan(manifest: manifest, json: json, fileName: fileName) }
                if output.json { return print(try TideJSON.text(answer)) }
                return print(PlanTable.render(answer, names: await DeviceNames.load(client)))
            }
            if noWait {
                let deployment = try await call { try await client.apply(manifest: manifest, json: json, fileName: fileName, wait: false) }
                if output.json { return print(try TideJSON.text(deployment)) }
                print("\(deployment.name): \(deployment.status.rawValue), generation \(deployment.generation)")
                return print("follow it with `tide deploy show \(deployment.name)` or `tide events --follow`")
            }
            var names = DeviceNames()
            if !output.json { names = await DeviceNames.load(client) }
            let deployment = try await applyFollowing(client, manifest: manifest, json: json, fileName: fileName, names: names)
            if output.json {
                print(try TideJSON.text(deployment))
            } else {
                print(DeploymentDetails.steps(deployment, names: names))
                print("\(deployment.name): \(deployment.status.rawValue), generation \(deployment.generation)")
                if let reason = deployment.reason, deployment.status != .failed { print("reason: \(reason)") }
                if let rollout = deployment.rollout, rollout.to >= deployment.generation - 1 {
                    print("rollout: \(DeploymentDetails.rollout(rollout))")
                }
                switch (deployment.status, deployment.rollout?.state) {
                case (.deploying, .paused?):
                    print("the rollout waits: `tide deploy resume \(deployment.name)` goes on, `tide deploy abort \(deployment.name)` reverts")
                case (.deploying, _):
                    print("still deploying when the server stopped waiting; follow it with `tide deploy show \(deployment.name)`")
                default: break
                }
            }
            if deployment.status == .failed {
                throw CLIFailure("deployment \(deployment.name) failed: \(deployment.reason ?? "the server gave no reason")")
            }
        }

        /// POSTs the manifest and waits for the deploy to settle, printing the deployment's events
        /// meanwhile (not with --json, which keeps stdout for the final JSON).
        func applyFollowing(
            _ client: TideClient, manifest: [UInt8], json: Bool, fileName: String, names: DeviceNames
        ) async throws -> Deployment {
            var follower: Task<DeployProgress.Position, Never>?
            if !output.json, let cursor = try? await client.events(tail: 1).cursor {
                let start = DeployProgress.Position(
                    cursor: cursor, filter: DeployProgress.Filter(name: ManifestFile.name(in: manifest, json: json)))
                DeployProgress.write("applying \(file)")
                follower = Task { await DeployProgress.follow(client, from: start, names: names) }
            }
            let outcome: Result<Deployment, ClientError>
            do throws(ClientError) {
                outcome = .success(try await client.apply(manifest: manifest, json: json, fileName: fileName))
            } catch {
                outcome = .failure(error)
            }
            if let follower {
                follower.cancel()
                var position = await follower.value
                if case .success(let deployment) = outcome {
                    position.filter.name = deployment.name
                    await DeployProgress.drain(client, from: position, names: names)
                }
            }
            return try await call { try outcome.get() }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List deployments: name, status, generation, step->device, last change.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try client.client()
            let deployments = try await call { try await client.deployments() }
            if output.json { return print(try TideJSON.text(deployments)) }
            print(DeploymentDetails.list(deployments, names: await DeviceNames.load(client)))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show one deployment: status, pinned packages, each step's device, state and endpoint, plan scores.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: ArgumentHelp("The deployment name.", valueName: "name")) var name: String

        func run() async throws {
            let client = try client.client()
            let deployment = try await call { try await client.deployment(name) }
            if output.json { return print(try TideJSON.text(deployment)) }
            print(DeploymentDetails.render(deployment, names: await DeviceNames.load(client)))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm",
            abstract: "Remove a deployment from its devices and from the server.",
            discussion: "Devices that cannot be reached now are cleaned when they report the deployment again.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: ArgumentHelp("The deployment name.", valueName: "name")) var name: String

        func run() async throws {
            let removal = try await call { try await client.client().removeDeployment(name) }
            if output.json { return print(try TideJSON.text(removal)) }
            print("removed \(removal.name)")
            let cleaned = removal.cleaned.map(\.rawValue)
            print("cleaned:     \(cleaned.isEmpty ? "(no device)" : cleaned.joined(separator: ", "))")
            for device in removal.unreachable.keys.sorted() {
                print("unreachable: \(device): \(removal.unreachable[device] ?? "")")
            }
        }
    }
}

/// Reading a manifest file for the server.
enum ManifestFile {
    static func read(_ path: String) throws -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CLIFailure("cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// The deployment name a Tide manifest gives at its top level, to pick its events out of the
    /// log before the server answers; nil when unsure (the wasmiot form, which the server renames).
    static func name(in manifest: [UInt8], json: Bool) -> String? {
        var name: String?
        if json {
            guard let object = try? JSONSerialization.jsonObject(with: Data(manifest)) as? [String: Any],
                object["sequence"] == nil
            else { return nil }
            name = object["name"] as? String
        } else {
            let lines = String(decoding: manifest, as: UTF8.self).split(whereSeparator: \.isNewline)
            guard !lines.contains(where: { $0.hasPrefix("sequence:") }) else { return nil }
            name = lines.first { $0.hasPrefix("name:") }.map { line in
                let value = line.dropFirst("name:".count).split(separator: "#", maxSplits: 1).first ?? ""
                return value.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            }
        }
        return name.flatMap { DeploymentManifest.isValidName($0) ? $0 : nil }
    }
}
