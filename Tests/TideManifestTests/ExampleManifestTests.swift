import Foundation
import Testing
import TideManifest
import TideModel

/// Every manifest in manifests/ parses, and uses packages of the bundled registry.
@Suite struct ExampleManifestTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private static var files: [URL] {
        let folder = root.appendingPathComponent("manifests")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.map { folder.appendingPathComponent($0) }
    }

    @Test func examplesParseAndNameBundledPackages() throws {
        let files = Self.files
        #expect(files.count >= 4)
        let bundled = ["camera-capture", "classifier", "counter", "fibo", "mathlib", "sink", "stats", "temperature"]
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let manifest = try ManifestParser.parse(text, fileName: file.lastPathComponent)
            for step in manifest.steps {
                #expect(bundled.contains(step.package), "\(file.lastPathComponent): \(step.package)")
            }
        }
    }

    @Test func lobbyCameraIsACameraClassifierSinkPipeline() throws {
        let file = Self.root.appendingPathComponent("manifests/lobby-camera.yaml")
        let manifest = try ManifestParser.parse(try String(contentsOf: file, encoding: .utf8))
        #expect(manifest.steps.map(\.package) == ["camera-capture", "classifier", "sink"])
        #expect(manifest.steps.map(\.inputs) == [[], ["capture"], ["classify"]])
    }
}
