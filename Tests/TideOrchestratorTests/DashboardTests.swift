import Foundation
import Testing
@testable import TideOrchestrator
@testable import TideTesting

@Suite("Dashboard", .stopsWhatItStarts)
struct DashboardTests {
    @Test("/ answers the page without a token, with a strict CSP and an ETag")
    func page() async throws {
        let server = try await TestServer.start()
        let page = try await server.request(.GET, "/", token: .some(nil))
        #expect(page.status == 200)
        #expect(page.headers.first(name: "Content-Type") == "text/html; charset=utf-8")
        #expect(page.body.contains("<script type=\"module\" src=\"/dashboard/app.js\"></script>"))
        let policy = try #require(page.headers.first(name: "Content-Security-Policy"))
        #expect(policy == DashboardRoutes.contentSecurityPolicy)
        #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline") && policy.contains("default-src 'none'"))
        #expect(page.headers.first(name: "X-Content-Type-Options") == "nosniff")
        #expect(page.headers.first(name: "Cache-Control") == "no-cache")
        let etag = try #require(page.headers.first(name: "ETag"))
        #expect(etag.hasPrefix("\"") && etag.count == 34)

        let again = try await server.request(.GET, "/", token: .some(nil), headers: [("If-None-Match", etag)])
        #expect(again.status == 304)
        #expect(again.bodyBytes.isEmpty)
    }

    @Test("each file has its content type and the CSP; an unknown file is 404")
    func files() async throws {
        let server = try await TestServer.start()
        let expected = [
            "app.js": "text/javascript; charset=utf-8", "api.js": "text/javascript; charset=utf-8",
            "app.css": "text/css; charset=utf-8", "icon.svg": "image/svg+xml",
        ]
        for (file, type) in expected {
            let answer = try await server.request(.GET, "/dashboard/\(file)", token: .some(nil))
            #expect(answer.status == 200, "\(file)")
            #expect(answer.headers.first(name: "Content-Type") == type, "\(file)")
            #expect(answer.headers.first(name: "Content-Security-Policy") == DashboardRoutes.contentSecurityPolicy)
            #expect(answer.bodyBytes == DashboardAsset.all[file]?.bytes)
        }
        for missing in ["/dashboard/nothing.js", "/dashboard/..%2Fapp.js", "/dashboard/"] {
            let answer = try await server.request(.GET, missing, token: .some(nil))
            #expect(answer.status == 404, "\(missing)")
        }
    }

    @Test("the data the dashboard shows still needs the operator token")
    func dataNeedsToken() async throws {
        let server = try await TestServer.start()
        for path in ["/api/v1/devices", "/api/v1/deployments", "/api/v1/packages", "/api/v1/events?tail=1"] {
            #expect(try await server.request(.GET, path, token: .some(nil)).status == 401, "\(path)")
            #expect(try await server.request(.GET, path, token: "tide_wrong").status == 403, "\(path)")
            #expect(try await server.request(.GET, path).status == 200, "\(path)")
        }
    }

    @Test("no file of the dashboard loads anything from another origin or runs inline script")
    func selfContained() throws {
        for (name, asset) in DashboardAsset.all {
            let text = String(decoding: asset.bytes, as: UTF8.self)
            #expect(!text.contains("https://") && !text.contains("//cdn"), "\(name) names another origin")
            #expect(!text.contains(".innerHTML"), "\(name) writes HTML: use textContent (dom.js h())")
            if name.hasSuffix(".html") {
                #expect(!text.contains("<script>"), "\(name) has inline script")
                #expect(text.range(of: #" on[a-z]+="#, options: .regularExpression) == nil, "\(name) has an inline event handler")
            }
        }
    }

    @Test("DashboardAssets.swift matches the files in Dashboard/assets (else run scripts/embed-dashboard)")
    func generatedFileIsCurrent() throws {
        let assets = URL(fileURLWithPath: Repository.root + "/Sources/TideOrchestrator/Dashboard/assets")
        let names = try FileManager.default.contentsOfDirectory(atPath: assets.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(names == DashboardAssets.texts.keys.sorted(), "files were added or removed: run scripts/embed-dashboard")
        for name in names {
            let text = try String(contentsOf: assets.appendingPathComponent(name), encoding: .utf8)
            #expect(text == DashboardAssets.texts[name], "\(name) changed: run scripts/embed-dashboard")
        }
    }
}
