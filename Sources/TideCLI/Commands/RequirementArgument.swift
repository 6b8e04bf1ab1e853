import TideModel
import TideResolver

/// `NAME@RANGE` on the command line (`fibo@^1.0`, `classifier`); no range means any version.
struct RequirementArgument {
    var name: String
    var range: VersionRange

    init(parsing text: String) throws {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        name = String(parts[0])
        guard !name.isEmpty else { throw CLIFailure("\"\(text)\": the package name is missing (NAME@RANGE)") }
        guard parts.count == 2 else {
            range = .any
            return
        }
        do {
            range = try VersionRange(parsing: String(parts[1]))
        } catch {
            throw CLIFailure(error.description)
        }
    }

    var dependency: PackageDependency { PackageDependency(name, range) }
}
