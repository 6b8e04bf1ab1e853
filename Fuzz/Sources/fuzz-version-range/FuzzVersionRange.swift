import FuzzSupport
import TideModel

/// Version ranges as package.yaml dependencies and manifest module references give them
/// (`VersionRange(parsing:)`), and versions (`SemanticVersion(parsing:)`). The input is a range,
/// optionally followed by a newline and a version to test against it.
///
/// Properties: a range's and a version's `description` parse back equal, and `contains` answers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVersionRangeTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = FuzzInput.bytes(data, size) else { return 0 }
    let text = String(decoding: bytes, as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let range = parseRange(String(parts[0]))
    let version = parts.count > 1 ? parseVersion(String(parts[1])) : nil
    if let range, let version {
        _ = range.contains(version)
        _ = VersionRange.exactly(version).contains(version)
        _ = VersionRange.caret(version).contains(version)
    }
    return 0
}

private func parseRange(_ text: String) -> VersionRange? {
    let range: VersionRange
    do {
        range = try VersionRange(parsing: text)
    } catch {
        _ = error.description
        return nil
    }
    let canonical = range.description
    FuzzInput.require((try? VersionRange(parsing: canonical)) == range, "\"\(text)\" prints as \"\(canonical)\", which reads back different")
    return range
}

private func parseVersion(_ text: String) -> SemanticVersion? {
    let version: SemanticVersion
    do {
        version = try SemanticVersion(parsing: text)
    } catch {
        _ = error.description
        return nil
    }
    let canonical = version.description
    FuzzInput.require((try? SemanticVersion(parsing: canonical)) == version, "\"\(text)\" prints as \"\(canonical)\", which reads back different")
    return version
}
