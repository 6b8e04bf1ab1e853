@testable import TideTesting
import Foundation
import Testing
import TideModel
@testable import TidePackageFormat

@Suite("package.yaml parsing")
struct ManifestParsingTests {
    static let full = """
        name: fibo
        version: 1.2.3-beta.1
        description: Fibonacci numbers
        module: ./build/fibo.wasm
        functions:
          fibo:
            method: get
            description: the n-th Fibonacci number
            parameters:
              - name: n
                type: i64
            result: i64
          upload:
            method: post
            parameters:
              - name: data
                type: bytes
              - name: scale
                type: f32
            result: bytes
          reset:
        files:
          model:
            path: data/model.bin
          labels.txt:
            path: data/labels.txt
            media-type: text/plain; charset=utf-8
        dependencies:
          mathlib: ^1.0
          vision: ">=1.0, <2.0 || 3.0.0"
        """

    @Test func parsesEveryField() throws {
        let manifest = try PackageManifest(yaml: Self.full)
        #expect(manifest.name == "fibo")
        #expect(manifest.version == SemanticVersion(1, 2, 3, prerelease: [.alphanumeric("beta"), .numeric(1)]))
        #expect(manifest.description == "Fibonacci numbers")
        #expect(manifest.module == "build/fibo.wasm")
        #expect(manifest.functions.map(\.name) == ["fibo", "upload", "reset"])
        #expect(manifest.functions[0] == PackageFunction(
            name: "fibo", method: .get, description: "the n-th Fibonacci number",
            parameters: [.init(name: "n", type: .i64)], result: .i64))
        #expect(manifest.functions[1].method == .post)
        #expect(manifest.functions[1].parameters.map(\.type) == [.bytes, .f32])
        #expect(manifest.functions[1].wasmSignature == sig([.i32, .i32, .f32], [.i64]))
        #expect(manifest.functions[2] == PackageFunction(name: "reset"))
        #expect(manifest.files == [
            PackageFile(name: "model", path: "data/model.bin"),
            PackageFile(name: "labels.txt", path: "data/labels.txt", mediaType: "text/plain; charset=utf-8"),
        ])
        #expect(manifest.dependencies.map(\.name) == ["mathlib", "vision"])
        #expect(manifest.dependencies[0].range == (try VersionRange(parsing: "^1.0")))
        #expect(manifest.namedPaths == ["build/fibo.wasm", "data/model.bin", "data/labels.txt"])
    }

    @Test func minimalManifestTakesDefaults() throws {
        let manifest = try PackageManifest(yaml: """
            name: tiny
            version: 0.1.0
            module: tiny.wasm
            functions:
              run: {}
            """)
        #expect(manifest.functions == [PackageFunction(name: "run", method: .get, parameters: [], result: nil)])
        #expect(manifest.files.isEmpty && manifest.dependencies.isEmpty && manifest.description == nil)
    }

    @Test func resultNoneMeansNoResult() throws {
        let manifest = try PackageManifest(yaml: """
            name: tiny
            version: 0.1.0
            module: tiny.wasm
            functions:
              run:
                result: none
            """)
        #expect(manifest.functions[0].result == nil)
        #expect(manifest.functions[0].wasmSignature == sig())
    }

    @Test func yamlTextRoundTrips() throws {
        let manifest = try PackageManifest(yaml: Self.full)
        let again = try PackageManifest(yaml: manifest.yamlText)
        #expect(again == manifest)
    }

    @Test func yamlTextQuotesAwkwardText() throws {
        var manifest = try PackageManifest(yaml: Self.full)
        manifest.description = "line one\nquote \" backslash \\ tab\t# not a comment: *alias"
        manifest.dependencies.append(DeclaredDependency(name: "anything", range: .any))
        let again = try PackageManifest(yaml: manifest.yamlText)
        #expect(again == manifest)
    }

    @Test func jsonRoundTrips() throws {
        let manifest = try PackageManifest(yaml: Self.full)
        let data = try JSONEncoder().encode(manifest)
        #expect(try JSONDecoder().decode(PackageManifest.self, from: data) == manifest)
    }

    @Test func acceptsBytes() throws {
        let manifest = try PackageManifest(yaml: Array(Self.full.utf8))
        #expect(manifest.name == "fibo")
    }
}
