import Foundation
import Testing
@testable import TidePackageFormat

@Suite("reading a package directory for publishing")
struct PackageDirectoryTests {
    @Test func readsNamedFilesOnly() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tide-pkg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("src"), withIntermediateDirectories: true)
        let yaml = ValidatorTests.yaml
        try Data(yaml.utf8).write(to: root.appendingPathComponent("package.yaml"))
        try Data(ValidatorTests.fiboModule).write(to: root.appendingPathComponent("fibo.wasm"))
        try Data([1, 2, 3]).write(to: root.appendingPathComponent("data/model.bin"))
        try Data("int main() {}".utf8).write(to: root.appendingPathComponent("src/main.c"))

        let archive = try PackageDirectory.read(at: root.path)
        #expect(archive.files.keys.sorted() == ["data/model.bin", "fibo.wasm", "package.yaml"])
        let uploaded = try PackageArchive(tar: try archive.tar())
        #expect(uploaded == archive)
        let package = try PackageValidator().validate(files: uploaded.files, dependencies: DependencyCatalog.empty)
        #expect(package.warnings.isEmpty)

        try FileManager.default.removeItem(at: root.appendingPathComponent("data/model.bin"))
        #expect(throws: PackageDirectoryError.missingFiles(directory: root.path, paths: ["data/model.bin"])) {
            try PackageDirectory.read(at: root.path)
        }
    }

    @Test func reportsManifestProblems() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tide-pkg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        #expect(throws: PackageDirectoryError.missing(root.appendingPathComponent("package.yaml").path)) {
            try PackageDirectory.read(at: root.path)
        }
        try Data("name: Bad\n".utf8).write(to: root.appendingPathComponent("package.yaml"))
        #expect {
            try PackageDirectory.read(at: root.path)
        } throws: { error in
            "\(error)".hasPrefix(#"package.yaml line 1: name: "Bad" is not a valid package name"#)
        }
    }
}
