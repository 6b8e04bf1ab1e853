import Crypto
import Foundation
import NIOHTTP1
import Testing
import TideModel
import TidePackageFormat
@testable import TideTesting

@Suite("Package registry over HTTP", .stopsWhatItStarts)
struct PackageAPITests {
    /// Rows and blob files, to prove a rejected publish wrote nothing.
    func snapshot(_ server: TestServer) throws -> (versions: Int, blobs: [String], events: Int) {
        let store = try server.store()
        let blobDirectory = server.dataDirectory + "/blobs/sha256"
        let blobs = ((try? FileManager.default.contentsOfDirectory(atPath: blobDirectory)) ?? []).sorted()
        return (try store.packageVersions().count, blobs, try store.events().count)
    }

    func expectRejected(
        _ server: TestServer, _ fixture: PackageFixture, status: Int, code: String, message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try snapshot(server)
        let answer = try await server.request(.POST, "/api/v1/packages", bytes: try fixture.tar(), contentType: "application/x-tar")
        #expect(answer.status == status, sourceLocation: sourceLocation)
        #expect(errorOf(answer.body)?.code == code, sourceLocation: sourceLocation)
        #expect(errorOf(answer.body)?.message == message, sourceLocation: sourceLocation)
        let after = try snapshot(server)
        #expect(after.versions == before.versions && after.blobs == before.blobs && after.events == before.events, sourceLocation: sourceLocation)
    }

    @Test("a fresh server loads the bundled registry")
    func bundled() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let packages = try await server.client.packages()
        #expect(packages.map(\.name) == ["camera-capture", "classifier", "counter", "fibo", "mathlib", "sink", "stats", "temperature"])
        let fibo = try #require(packages.first { $0.name == "fibo" })
        #expect(fibo.versions == ["1.1.0", "1.0.0"])
        #expect(fibo.latest == "1.1.0")

        let classifier = try await server.client.packageVersion("classifier", "1.0.0")
        #expect(classifier.dependencies == ["mathlib": "^1.0"])
        #expect(classifier.hostCapabilities.isEmpty)
        #expect(classifier.imports.map(\.satisfiedBy).allSatisfy { $0 == "dependency:mathlib" })
        let temperature = try await server.client.packageVersion("temperature", "1.0.0")
        #expect(temperature.hostCapabilities == ["sensor.read_temperature"])
        #expect(temperature.functions.map(\.name).sorted() == ["read", "read_average"])

        // A restart loads nothing twice.
        await server.stop()
        let again = try await TestServer.start(bundledRegistry: Repository.registry, dataDirectory: server.dataDirectory)
        #expect(try await again.client.packages().count == 8)
        #expect(try again.store().packageVersions().count == 11)
    }

    @Test("publish, download with digest and ETag, resolve, yank")
    func publishAndServe() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let fixture = try PackageFixture("fibo@1.1.0", edit: PackageFixture.version("2.0.0"))
        let info = try await server.client.publish(archive: try fixture.tar())
        #expect(info.name == "fibo" && info.version == "2.0.0")
        let wasm = try #require(fixture.files["fibo.wasm"])
        #expect(info.module.sha256 == SHA256.hash(data: wasm).map { String(format: "%02x", $0) }.joined())

        let download = try await server.request(.GET, info.module.url)
        #expect(download.status == 200)
        #expect(Array(download.bodyBytes) == wasm)
        #expect(download.headers.first(name: "ETag") == "\"\(info.module.sha256)\"")
        let cached = try await server.request(.GET, info.module.url, headers: [("If-None-Match", "\"\(info.module.sha256)\"")])
        #expect(cached.status == 304)

        let pinned = try await server.client.resolve(["classifier": "^1", "fibo": "^1"])
        #expect(pinned.packages.map { "\($0.name)@\($0.version)" } == ["classifier@1.0.0", "fibo@1.1.0", "mathlib@1.1.0"])
        #expect(pinned.packages.allSatisfy { $0.moduleDigest.count == 64 })

        let yanked = try await server.client.setYanked("fibo", "1.1.0", yanked: true)
        #expect(yanked.yanked)
        #expect(try await server.client.resolve(["fibo": "^1"]).packages.map(\.version) == ["1.0.0"])
        let exact = try await server.client.resolve(["fibo": "=1.1.0"])
        #expect(exact.packages.map(\.version) == ["1.1.0"] && exact.packages[0].yanked)
        #expect(try await server.client.setYanked("fibo", "1.1.0", yanked: false).yanked == false)
        #expect(try await server.client.events().events.map(\.kind).contains(.packageYanked))
    }

    @Test("an unsatisfiable requirement is a 422 that explains the conflict")
    func unsatisfiable() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let answer = try await server.request(.POST, "/api/v1/resolve", body: #"{"requirements": {"fibo": "^3.0"}}"#)
        #expect(answer.status == 422)
        #expect(errorOf(answer.body)?.code == "unsatisfiable")
        #expect(errorOf(answer.body)?.message.contains("fibo") == true)
        let badRange = try await server.request(.POST, "/api/v1/resolve", body: #"{"requirements": {"fibo": "^^1"}}"#)
        #expect(badRange.status == 400)
    }

    @Test("publish rejections say why and store nothing")
    func rejections() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)

        try await expectRejected(
            server, try PackageFixture("fibo"), status: 409, code: "version_exists",
            message: "fibo 1.0.0 is already published; versions are immutable, publish a new version")

        try await expectRejected(
            server, try PackageFixture("fibo", edit: { PackageFixture.version("3.0.0")($0).replacingOccurrences(of: "  fibo:\n", with: "  fib:\n") }),
            status: 422, code: "invalid_package",
            message: "function fib is declared but fibo.wasm does not export it (exports: fibo)")

        var wrongType = try PackageFixture("fibo", edit: { PackageFixture.version("3.0.1")($0).replacingOccurrences(of: "type: i64", with: "type: i32") })
        try await expectRejected(
            server, wrongType, status: 422, code: "invalid_package",
            message: "function fibo: package.yaml declares (param i32) (result i64) but fibo.wasm exports (param i64) (result i64)")

        try await expectRejected(
            server, try PackageFixture("classifier", edit: { PackageFixture.version("1.0.1")($0).replacingOccurrences(of: "mathlib: ^1.0", with: "mathlib: ^^1") }),
            status: 422, code: "invalid_package",
            message: "package.yaml line 26: dependencies.mathlib: \"^^1\" is not a version range such as ^1.2: \"^^1\": expected a version after \"^\"")

        try await expectRejected(
            server, try PackageFixture("classifier", edit: { PackageFixture.version("1.0.2")($0).replacingOccurrences(of: "mathlib: ^1.0", with: "mathlib: ^7.0") }),
            status: 422, code: "invalid_package",
            message: "dependency mathlib ^7.0 matches no published version (published: 1.0.0, 1.1.0)")

        try await expectRejected(
            server, try PackageFixture("classifier", edit: { PackageFixture.version("1.0.3")($0).replacingOccurrences(of: "mathlib: ^1.0", with: "mathlibx: ^1.0") }),
            status: 422, code: "invalid_package", message: "dependency mathlibx is not in the registry")

        wrongType = try PackageFixture("fibo", edit: PackageFixture.version("3.0.2"))
        wrongType.files["fibo.wasm"] = nil
        try await expectRejected(
            server, wrongType, status: 422, code: "invalid_package", message: "missing files named in package.yaml: fibo.wasm")

        let garbage = try await server.request(.POST, "/api/v1/packages", bytes: Array("not a tar".utf8), contentType: "application/x-tar")
        #expect(garbage.status == 400)
        #expect(errorOf(garbage.body)?.message.hasPrefix("the upload is not a usable package archive") == true)
    }

    @Test("hostile uploads (pax length overflow, cut-short tar, deeply nested package.yaml) are refused; the server keeps serving")
    func hostileUploads() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let before = try snapshot(server)

        // A pax record whose length field is Int.max, written over a real pax record of the same size.
        let longName = String(repeating: "a", count: 150)
        var tar = try PackageArchive(files: [longName: [1, 2, 3]]).tar()
        let record = Array("9223372036854775807 path=".utf8)
        let recordLength = Int(String(decoding: tar[512...].prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)) ?? 0
        let forged = record + Array(repeating: UInt8(ascii: "a"), count: recordLength - record.count - 1) + [UInt8(ascii: "\n")]
        tar.replaceSubrange(512..<(512 + recordLength), with: forged)
        let overflow = try await server.request(.POST, "/api/v1/packages", bytes: tar, contentType: "application/x-tar")
        #expect(overflow.status == 400)
        #expect(errorOf(overflow.body)?.message.hasSuffix("has an invalid extended header: malformed record at byte 0") == true, "\(overflow.body)")

        let complete = try PackageFixture("fibo", edit: PackageFixture.version("4.0.0")).tar()
        let cut = try await server.request(.POST, "/api/v1/packages", bytes: Array(complete.dropLast(1024)), contentType: "application/x-tar")
        #expect(cut.status == 400)
        #expect(errorOf(cut.body)?.message.hasSuffix("archive is truncated: it needs 512 more bytes but the upload ends after 0") == true, "\(cut.body)")

        let nested = try PackageFixture("fibo", edit: { PackageFixture.version("4.0.1")($0) + "\nx: " + String(repeating: "[", count: 10_000) + "\n" })
        let deep = try await server.request(.POST, "/api/v1/packages", bytes: try nested.tar(), contentType: "application/x-tar")
        #expect(deep.status == 422, "\(deep.body)")
        #expect(errorOf(deep.body)?.message.contains("lists and mappings nest deeper than 64 levels") == true, "\(deep.body)")

        let after = try snapshot(server)
        #expect(after.versions == before.versions && after.blobs == before.blobs && after.events == before.events)
        #expect(try await server.request(.GET, "/healthz").status == 200)
    }

    @Test("multipart upload of the package's files")
    func multipart() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let fixture = try PackageFixture("sink", edit: PackageFixture.version("1.2.0"))
        let boundary = "tide-test-boundary"
        var body: [UInt8] = []
        for path in fixture.files.keys.sorted() {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(path)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += fixture.files[path] ?? []
            body += Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        let answer = try await server.request(.POST, "/api/v1/packages", bytes: body, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(answer.status == 201, "\(answer.body)")
        #expect(try await server.client.packageVersion("sink", "1.2.0").functions.count == 4)
    }

    @Test("wasmiot module routes serve binaries, descriptions and data files without a token")
    func wasmiotModules() async throws {
        let server = try await TestServer.start(bundledRegistry: Repository.registry)
        let list = try await server.request(.GET, "/file/module", token: .some(nil))
        #expect(list.status == 200)
        let modules = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(list.body.utf8)).arrayValue)
        #expect(modules.count == 11)
        #expect(modules.contains { $0["_id"] == "fibo@1.0.0" })

        let wasm = try await server.request(.GET, "/file/module/fibo@1.0.0/wasm", token: .some(nil))
        #expect(Array(wasm.bodyBytes) == Array(try Data(contentsOf: URL(fileURLWithPath: Repository.registry + "/fibo/fibo.wasm"))))
        let latest = try await server.request(.GET, "/file/module/fibo/wasm", token: .some(nil))
        #expect(Array(latest.bodyBytes) == Array(try Data(contentsOf: URL(fileURLWithPath: Repository.registry + "/fibo@1.1.0/fibo.wasm"))))

        let description = try await server.request(.GET, "/file/module/fibo@1.0.0/description", token: .some(nil))
        let openapi = try JSONDecoder().decode(JSONValue.self, from: Data(description.body.utf8))
        #expect(openapi["paths"]?["/{deployment}/modules/fibo/fibo"]?["get"]?["parameters"]?.arrayValue?.map { $0["name"] } == ["deployment", "param0"])

        let labels = try await server.request(.GET, "/file/module/classifier@1.0.0/labels", token: .some(nil))
        #expect(labels.status == 200)
        #expect(labels.body.contains("bright"))
        #expect(try await server.request(.GET, "/file/module/nothing/wasm", token: .some(nil)).status == 404)
    }
}
