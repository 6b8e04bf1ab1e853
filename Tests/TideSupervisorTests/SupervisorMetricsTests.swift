import Foundation
import Testing
import TideSupervisor
@testable import TideTesting

/// `GET /metrics` on `tide supervisor`: protected like `/deploy`, its own counts per supervisor.
@Suite(.stopsWhatItStarts) struct SupervisorMetricsTests {
    static let token = "metrics-test-supervisor-token"

    @Test("/metrics needs the supervisor's token (401 without, 403 with another), unless --metrics-open")
    func protected() async throws {
        let closed = try await startSupervisor(token: Self.token)
        #expect(try await HTTPProbe.get(closed.base + "/metrics").status == 401)
        #expect(try await HTTPProbe.get(closed.base + "/metrics", token: "another-token").status == 403)
        let scraped = try await HTTPProbe.get(closed.base + "/metrics", token: Self.token)
        #expect(scraped.status == 200)
        #expect(scraped.body.contains("# TYPE process_resident_memory_bytes gauge"))
        let open = try await startSupervisor(token: Self.token, metricsOpen: true)
        #expect(try await HTTPProbe.get(open.base + "/metrics").status == 200)
        // Opening the metrics opens nothing else.
        var node = NodeFixture(id: "dep-closed")
        try node.fibo(at: "http://127.0.0.1:9")
        #expect(try await open.deploy(node).status == 401)
    }

    @Test("a deploy and calls count on that supervisor only: downloads, cache, calls, fuel, instances, memory")
    func separateCounts() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo])
        let origin = try await files.start()
        let first = try await startSupervisor(metricsOpen: true)
        let second = try await startSupervisor(metricsOpen: true)
        var node = NodeFixture(id: "dep-metrics")
        try node.fibo(at: origin)
        #expect(try await first.deploy(node).status == 200)
        for n in [5, 10, 15] {
            #expect(try await first.call("dep-metrics", "fibo", "fibo", query: "param0=\(n)").json()["success"] as? Bool == true)
        }
        node.generation = 2
        #expect(try await first.deploy(node).status == 200)
        #expect(try await first.call("no-such-deployment", "fibo", "fibo", query: "param0=1").status == 404)

        let text = PrometheusText(try await HTTPProbe.get(first.base + "/metrics").body)
        #expect(text.value("tide_supervisor_calls_total", ["result": "ok"]) == 3, "\(text.text)")
        #expect(text.value("tide_supervisor_call_duration_seconds_count", ["result": "ok"]) == 3)
        #expect(text.value("tide_supervisor_call_fuel_used_count") == 3)
        #expect((text.value("tide_supervisor_call_fuel_used_sum") ?? 0) > 0)
        #expect(text.value("tide_supervisor_module_cache_misses_total") == 1)
        #expect(text.value("tide_supervisor_module_cache_hits_total") == 1)
        #expect(text.value("tide_supervisor_downloads_total", ["result": "ok"]) == 1)
        #expect(text.value("tide_supervisor_downloaded_bytes_total") == Double(try Fixtures.fibo.count))
        #expect(text.value("tide_supervisor_deployments") == 1)
        #expect(text.value("tide_supervisor_instances") == 1)
        #expect((text.value("tide_supervisor_wasm_memory_bytes") ?? 0) >= 65_536)
        #expect((text.value("process_resident_memory_bytes") ?? 0) > 1_000_000)
        #expect((text.value("tide_http_requests_total", ["method": "POST", "code": "200"]) ?? 0) >= 2)
        // An error a route throws counts with the status it is answered with, not as a 500.
        #expect(text.value("tide_http_requests_total", ["code": "500"]) == nil, "\(text.text)")
        #expect((text.value("tide_http_requests_total", ["code": "404"]) ?? 0) >= 1)
        let routes = text.labelValues("tide_http_requests_total", "route")
        #expect(!routes.contains { $0.contains("dep-metrics") }, "\(routes)")

        let other = PrometheusText(try await HTTPProbe.get(second.base + "/metrics").body)
        #expect(other.value("tide_supervisor_calls_total") == nil)
        #expect(other.value("tide_supervisor_deployments") == 0)
        #expect(other.value("tide_supervisor_downloaded_bytes_total") == nil)
    }
}
