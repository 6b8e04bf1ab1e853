import Foundation
import TidePackageFormat

/// A bundled package's files, optionally edited, ready to upload.
struct PackageFixture {
    var files: [String: [UInt8]]

    /// The files of `registry/<directory>`, with package.yaml passed through `edit`.
    init(_ directory: String, edit: (String) -> String = { $0 }) throws {
        files = try PackageDirectory.read(at: Repository.registry + "/" + directory).files
        let yaml = String(decoding: files["package.yaml"] ?? [], as: UTF8.self)
        files["package.yaml"] = Array(edit(yaml).utf8)
    }

    func tar() throws -> [UInt8] { try PackageArchive(files: files).tar() }

    /// package.yaml with its `version:` line replaced.
    static func version(_ version: String) -> (String) -> String {
        { yaml in
            yaml.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix("version:") ? "version: \(version)" : String(line)
            }.joined(separator: "\n")
        }
    }
}
