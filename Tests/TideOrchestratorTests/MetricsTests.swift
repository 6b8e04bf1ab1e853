import Foundation
import Testing
import TideClient
import TideModel
@testable import TideTesting

/// `GET /metrics` on `tide server`: protected like the API, each server with its own counts, and
/// the counts follow real actions (a deploy and a run on supervisor processes).
@Suite("Server metrics", .serialized, .stopsWhatItStarts)
struct MetricsTests {
    static func scrape(_ server: TestServer, token: String?? = .none) async throws -> PrometheusText {
        let answer = try await server.request(.GET, "/metrics", token: token)
        guard answer.status == 200 else { throw HarnessError("GET /metrics: \(answer.status) \(answer.body)") }
        return PrometheusText(answer.body)
    }

    @Test("/metrics needs an operator token (a viewer's is enough): 401 without, 403 with a wrong one, 200 with one")
    func protected() async throws {
        let server = try await TestServer.start()
        let missing = try await server.request(.GET, "/metrics", token: .some(nil))
        #expect(missing.status == 401, "\(missing.body)")
        #expect(try await server.request(.GET, "/metrics", token: .some("not-a-token")).status == 403)
        let viewer = try await server.client.createToken(name: "prometheus", role: .viewer)
        let scraped = try await server.request(.GET, "/metrics", token: .some(viewer.secret))
        #expect(scraped.status == 200)
        #expect(scraped.headers.first(name: "content-type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(scraped.body.contains("# TYPE tide_devices gauge"))
        #expect(scraped.body.contains("# HELP tide_devices "))
    }

    @Test("--metrics-open: /metrics answers without a token; the rest of the API still needs one")
    func open() async throws {
        let server = try await TestServer.start(metricsOpen: true)
        #expect(try await server.request(.GET, "/metrics", token: .some(nil)).status == 200)
        #expect(try await server.request(.GET, "/api/v1/devices", token: .some(nil)).status == 401)
    }

    @Test("two servers in one process keep their own counts; routes are labelled by pattern")
    func separateRegistries() async throws {
        let first = try await TestServer.start()
        let second = try await TestServer.start()
        for _ in 0..<3 { #expect(try await first.request(.GET, "/api/v1/devices").status == 200) }
        #expect(try await first.request(.GET, "/api/v1/deployments/nothing-here").status == 404)
        let firstText = try await Self.scrape(first)
        let secondText = try await Self.scrape(second)
        let devicesRoute = ["route": "/api/v1/devices", "method": "GET", "code": "200"]
        #expect(firstText.value("tide_http_requests_total", devicesRoute) == 3)
        #expect(secondText.value("tide_http_requests_total", devicesRoute) == nil)
        // The raw path of a request never becomes a label: the route pattern does.
        let routes = firstText.labelValues("tide_http_requests_total", "route")
        #expect(!routes.contains { $0.contains("nothing-here") }, "\(routes)")
        #expect(firstText.value("tide_http_requests_total", ["code": "404", "method": "GET"]) == 1)
        #expect(firstText.value("tide_http_request_duration_seconds_count", ["route": "/api/v1/devices"]) == 3)
        #expect(firstText.types["tide_http_request_duration_seconds"] == "histogram")
        #expect(firstText.value("tide_devices", ["status": "alive"]) == 0)
    }

    @Test("a deploy and a run on supervisor processes count: deploys, phases, pushes, resolves, runs, devices; the supervisors count calls")
    func deployOnSupervisors() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"]) { fleet in
            let applied = try await fleet.apply(DeploymentProcessTests.chain(first: "sup-a", second: "sup-b"))
            #expect(applied.deployment?.status == .active, "\(applied.body)")
            let run = try await fleet.run("chain", #"{"n": 10}"#)
            #expect(run.success, "\(run)")
            let text = try await Self.scrape(fleet.server)
            #expect(text.value("tide_deploys_total", ["result": "active"]) == 1, "\(text.text)")
            for phase in ["resolve", "place", "push"] {
                #expect(text.value("tide_deploy_phase_duration_seconds_count", ["phase": phase]) == 1, "\(phase)")
            }
            #expect((text.value("tide_pushes_total", ["result": "ok"]) ?? 0) >= 2)
            #expect(text.value("tide_push_errors_total") == nil)
            #expect((text.value("tide_registry_resolves_total", ["result": "ok"]) ?? 0) >= 1)
            #expect((text.value("tide_registry_publishes_total", ["result": "ok"]) ?? 0) >= 1)
            #expect((text.value("tide_placement_duration_seconds_count", ["result": "ok"]) ?? 0) >= 1)
            #expect(text.value("tide_runs_total", ["result": "ok"]) == 1)
            #expect(text.value("tide_run_duration_seconds_count") == 1)
            #expect(text.value("tide_devices", ["status": "alive"]) == 2)
            #expect(text.value("tide_deployments", ["status": "active"]) == 1)
            #expect((text.value("tide_heartbeat_lag_seconds_count") ?? 0) >= 1)
            let routes = text.labelValues("tide_http_requests_total", "route")
            #expect(!routes.contains { $0.contains("chain") }, "\(routes)")

            // A supervisor's own metrics: its token, then the calls it ran and what it downloaded.
            let supervisor = fleet.url("sup-a") + "/metrics"
            #expect(try await HTTPProbe.get(supervisor).status == 401)
            let answer = try await HTTPProbe.get(supervisor, token: DeploymentProcessTests.token)
            #expect(answer.status == 200)
            let own = PrometheusText(answer.body)
            #expect((own.value("tide_supervisor_calls_total", ["result": "ok"]) ?? 0) >= 1, "\(answer.body)")
            #expect((own.value("tide_supervisor_call_fuel_used_count") ?? 0) >= 1)
            #expect(own.value("tide_supervisor_deployments") == 1)
            #expect((own.value("tide_supervisor_instances") ?? 0) >= 1)
            #expect((own.value("tide_supervisor_wasm_memory_bytes") ?? 0) > 0)
            #expect((own.value("process_resident_memory_bytes") ?? 0) > 1_000_000)
            #expect((own.value("tide_supervisor_module_cache_misses_total") ?? 0) >= 1)
            #expect((own.value("tide_supervisor_downloaded_bytes_total") ?? 0) > 0)
        }
    }

    @Test("a failover counts: status changes by evidence, a failover and its time to running again")
    func failoverCounts() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b", "sup-c"], probeInterval: .seconds(1)) { fleet in
            let manifest = """
                name: moving
                steps:
                  - name: only
                    module: fibo@^1.1
                    function: fibo
                    require: { avoid: [\(fleet.id("sup-a"))] }
                    prefer: { labels: { role: sup-b }, weight: 20 }
                """
            let applied = try await fleet.apply(manifest)
            #expect(applied.deployment?.step("only")?.device == fleet.id("sup-b"), "\(applied.body)")
            fleet.devices["sup-b"]?.process.signal(SIGKILL)
            let moved = try await eventually(timeout: .seconds(30)) {
                let deployment = try await fleet.server.client.deployment("moving")
                return deployment.status == .active && deployment.step("only")?.device == fleet.id("sup-c")
            }
            #expect(moved)
            let text = try await Self.scrape(fleet.server)
            #expect(text.value("tide_failovers_total", ["result": "active"]) == 1, "\(text.text)")
            #expect(text.value("tide_failover_duration_seconds_count") == 1)
            // From the killed device's last sign of life: detection (refused probes) takes part of it.
            let outage = text.value("tide_failover_duration_seconds_sum") ?? 0
            #expect(outage > 0.2 && outage < 30, "\(outage)")
            #expect((text.value("tide_device_status_changes_total", ["to": "dead"]) ?? 0) >= 1)
            #expect(text.value("tide_devices", ["status": "dead"]) == 1)
            #expect((text.value("tide_probe_duration_seconds_count", ["result": "refused"]) ?? 0) >= 1)
        }
    }
}
