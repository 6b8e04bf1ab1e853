@testable import TidePackageFormat

/// Every issue package.yaml `text` has, as a person reads them; empty when it is valid.
func manifestIssues(_ text: String) -> [String] {
    do {
        _ = try PackageManifest(yaml: text)
        return []
    } catch {
        return error.lines
    }
}
