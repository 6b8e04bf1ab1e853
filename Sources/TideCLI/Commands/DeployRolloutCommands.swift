import ArgumentParser
import Foundation
import TideClient
import TideModel

/// `tide deploy pause|resume|abort`: the operator's hand on a rollout.
extension DeployCommand {
    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pause",
            abstract: "Pause a deployment's rollout before its next stage.",
            discussion: "The devices updated so far keep the new generation, the others the one before; runs go on. tide deploy resume goes on, tide deploy abort reverts.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: ArgumentHelp("The deployment name.", valueName: "name")) var name: String

        func run() async throws { try await RolloutControl.send(.pause, name, client: client, output: output) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resume",
            abstract: "Resume a paused rollout: after a canary that waits for promotion, a pause, or a failed stage without auto-revert.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: ArgumentHelp("The deployment name.", valueName: "name")) var name: String

        func run() async throws { try await RolloutControl.send(.resume, name, client: client, output: output) }
    }

    struct Abort: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "abort",
            abstract: "Abort a rollout: every device goes back to the generation that ran before the update.",
            discussion: "A running rollout stops at once (also during a stage's health wait); the revert is a new generation, and the deployment ends active at it.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: ArgumentHelp("The deployment name.", valueName: "name")) var name: String

        func run() async throws { try await RolloutControl.send(.abort, name, client: client, output: output) }
    }
}

/// The three rollout commands' shared work: ask, then say what happens next.
enum RolloutControl {
    static func send(_ action: TideClient.RolloutAction, _ name: String, client: ClientOptions, output: OutputOptions) async throws {
        let deployment = try await call { try await client.client().rollout(name, action) }
        if output.json { return print(try TideJSON.text(deployment)) }
        let state = deployment.rollout.map { DeploymentDetails.rollout($0) } ?? "-"
        switch action {
        case .pause:
            print(deployment.rollout?.state == .paused ? "\(name): the rollout is paused: \(state)" : "\(name): the rollout pauses before its next stage: \(state)")
        case .resume: print("\(name): the rollout resumes: \(state)")
        case .abort: print("\(name): the rollout is aborted; every device goes back to generation \(deployment.rollout?.from ?? deployment.generation) (tide deploy show \(name))")
        }
    }
}
