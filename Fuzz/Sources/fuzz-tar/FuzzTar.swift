import FuzzSupport
import TideModel
import TidePackageFormat

/// A package upload as the server reads it: `PackageUpload.untar` (`PackageArchive(tar:limits:)`
/// with the default `PackageArchiveLimits`, as `PackageUpload.limits`), then the checks of
/// `PackageRegistry.publish` (package.yaml, the module, dependencies against an empty registry).
///
/// Properties: an accepted archive holds only canonical relative paths within the limits, and
/// writing it out again (`PackageArchive.tar()`) reads back to the same files.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTarTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = FuzzInput.bytes(data, size) else { return 0 }
    let limits = PackageArchiveLimits()
    let archive: PackageArchive
    do {
        archive = try PackageArchive(tar: bytes, limits: limits)
    } catch {
        _ = error.description
        return 0
    }
    FuzzInput.require(archive.files.count <= limits.maximumFileCount, "\(archive.files.count) files accepted")
    FuzzInput.require(archive.totalSize <= limits.maximumTotalSize, "\(archive.totalSize) bytes accepted")
    for path in archive.files.keys {
        FuzzInput.require(PackagePath.normalize(path) == .success(path), "non-canonical path \"\(path)\" accepted")
    }
    checkRoundTrip(archive, limits: limits)

    do {
        _ = try PackageValidator().validate(files: archive.files, dependencies: DependencyCatalog.empty)
    } catch {
        _ = error.messages
    }
    return 0
}

private func checkRoundTrip(_ archive: PackageArchive, limits: PackageArchiveLimits) {
    let again: PackageArchive
    do {
        again = try PackageArchive(tar: try archive.tar(), limits: limits)
    } catch {
        FuzzInput.require(false, "an accepted archive, written out again, is refused: \(error)")
        return
    }
    // Reading strips one folder holding everything, so a second read may strip another level.
    if archive.files.keys.contains(where: { !$0.contains("/") }) {
        FuzzInput.require(again == archive, "the archive written out again reads back different")
    } else {
        FuzzInput.require(
            again.files.values.sorted { $0.lexicographicallyPrecedes($1) }
                == archive.files.values.sorted { $0.lexicographicallyPrecedes($1) },
            "the archive written out again reads back with different contents")
    }
}
