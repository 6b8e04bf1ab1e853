import Logging
import TideSupervisor

/// A `SupervisorServer` in this process on a free port, stopped with the test.
func startSupervisor(
    dataDirectory: String = TemporaryDirectory.make("sup"), profile: DeviceProfile = DeviceProfile(name: "test-device"),
    token: String? = nil, orchestrator: String? = nil, orchestrators: [String] = [], limits: ExecutionLimits = ExecutionLimits(fuelPerCall: 200_000_000, deadline: .seconds(20)),
    heartbeatInterval: Duration = .zero, metricsOpen: Bool = false
) async throws -> RunningServer {
    var configuration = SupervisorConfiguration(
        host: "127.0.0.1", port: 0, dataDirectory: dataDirectory, profile: profile, orchestratorURL: orchestrator,
        token: token, heartbeatInterval: heartbeatInterval, limits: limits)
    configuration.metricsOpen = metricsOpen
    if !orchestrators.isEmpty { configuration.orchestratorURLs = orchestrators }
    return try await startServer { [configuration] onRunning in
        try await SupervisorServer(configuration: configuration, logger: testLogger).run(handleSignals: false, onRunning: onRunning)
    }
}

