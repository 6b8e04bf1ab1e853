import ArgumentParser
import Testing
@testable import TideCLI

/// `--server` / `TIDE_SERVER` and `tide supervisor --orchestrator` / `--join` with several URLs.
@Suite struct ServerOptionsTests {
    func servers(_ arguments: [String], environment: [String: String] = [:]) throws -> [String] {
        try ClientOptions.parse(arguments).servers(environment: environment, defaultScheme: "http").urls
    }

    func refusal(_ arguments: [String], environment: [String: String] = [:]) -> String? {
        do {
            _ = try servers(arguments, environment: environment)
            return nil
        } catch let failure as CLIFailure {
            return failure.message
        } catch {
            return "\(error)"
        }
    }

    @Test func serverTakesSeveralURLsAndWinsOverTheEnvironment() throws {
        #expect(try servers(["--server", "http://a:3000,http://b:3000/"]) == ["http://a:3000", "http://b:3000"])
        #expect(try servers(["--server", "http://a:3000"], environment: ["TIDE_SERVER": "http://b:3000"]) == ["http://a:3000"])
        #expect(try servers([], environment: ["TIDE_SERVER": "https://a:3000, https://b:3000"]) == ["https://a:3000", "https://b:3000"])
        #expect(try servers([], environment: ["TIDE_SERVER": ""]) == ["http://127.0.0.1:3000"])
        #expect(try servers([]) == ["http://127.0.0.1:3000"])
    }

    @Test func aBadListSaysWhereItCameFrom() {
        #expect(refusal(["--server", "http://a:3000,a:3001"]) == #"--server (URL 2 of 2) must be an http:// or https:// URL, got "a:3001""#)
        #expect(refusal([], environment: ["TIDE_SERVER": "http://a:3000,http://a:3000/"]) == "TIDE_SERVER lists http://a:3000 twice")
        let seventeen = (1...17).map { "http://10.0.0.\($0):3000" }.joined(separator: ",")
        #expect(refusal(["--server", seventeen]) == "--server lists 17 URLs; at most 16 are accepted")
    }

    func supervisorRefusal(_ arguments: [String]) -> String? {
        do {
            _ = try SupervisorCommand.parse(arguments)
            return nil
        } catch {
            return SupervisorCommand.message(for: error)
        }
    }

    @Test func supervisorOrchestratorAndJoinTakeSeveralURLs() throws {
        let command = try SupervisorCommand.parse(["--orchestrator", "http://a:3000,http://b:3000/"])
        #expect(try command.orchestratorURLs() == ["http://a:3000", "http://b:3000"])
        let joining = try SupervisorCommand.parse([
            "--join", "https://a:3000,https://b:3000", "--join-token", "t", "--ca-fingerprint", "sha256:" + String(repeating: "ab", count: 32),
        ])
        #expect(try joining.joinSettings(caFile: nil)?.urls == ["https://a:3000", "https://b:3000"])
        #expect(try SupervisorCommand.parse([]).orchestratorURLs() == [])
    }

    @Test func supervisorRefusesABadList() {
        #expect(supervisorRefusal(["--orchestrator", "http://a:3000,http://a:3000"]) == "--orchestrator lists http://a:3000 twice")
        #expect(supervisorRefusal(["--orchestrator", "a:3000"]) == #"--orchestrator must be an http:// or https:// URL, got "a:3000""#)
        #expect(
            supervisorRefusal(["--join", "https://a:3000,http://b:3000", "--join-token", "t", "--ca-cert", "ca.pem"])
                == #"--join (URL 2 of 2) must be an https:// URL, got "http://b:3000""#)
    }
}
