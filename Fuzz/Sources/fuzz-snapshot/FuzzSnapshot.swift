import FuzzSupport
import TideLiquid
import TidePackageFormat

/// A snapshot file, as a supervisor reads the body of `PUT .../state` and a server a checkpoint
/// (`SnapshotCoding.decodeContents`, `summary`), under small limits. The input is read as it is
/// (the digest refuses it) and resealed with its SHA-256 appended, so that mutations reach the
/// header, the pages and the files. Properties: an accepted whole snapshot survives encode and
/// decode; an accepted delta applies to a base of its module or is refused, and survives too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSnapshotTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes = FuzzInput.bytes(data, size) else { return 0 }
    let limits = SnapshotLimits(maxMemoryBytes: 16 * InstanceSnapshot.pageBytes, maxGlobals: 64, maxFiles: 16)
    _ = try? SnapshotCoding.decodeContents(bytes, limits: limits)
    let sealed = bytes + digestBytes(of: bytes)
    _ = try? SnapshotCoding.summary(of: sealed, limits: limits)
    guard let contents = try? SnapshotCoding.decodeContents(sealed, limits: limits) else { return 0 }
    switch contents {
    case .whole(let snapshot):
        let again = (try? SnapshotCoding.encode(snapshot)).flatMap { try? SnapshotCoding.decode($0, limits: limits) }
        FuzzInput.require(
            again.map { same($0, snapshot) } ?? false, "an accepted snapshot does not survive encode and decode")
    case .delta(let delta):
        var base = InstanceSnapshot(
            module: delta.module, moduleDigest: delta.moduleDigest, takenAt: delta.takenAt, memory: [], globals: [:])
        if (try? delta.apply(to: &base)) != nil {
            FuzzInput.require(
                base.memory.count == delta.pageCount * InstanceSnapshot.pageBytes && base.globals == delta.globals,
                "an applied delta does not give its memory size and globals")
        }
        let again = (try? SnapshotCoding.encode(delta)).flatMap { try? SnapshotCoding.decodeContents($0, limits: limits) }
        guard case .delta(let decoded) = again else {
            FuzzInput.require(false, "an accepted delta does not survive encode and decode")
            return 0
        }
        FuzzInput.require(
            decoded.base == delta.base && decoded.pages == delta.pages && decoded.globals == delta.globals
                && decoded.files == delta.files && decoded.pageCount == delta.pageCount,
            "an accepted delta does not survive encode and decode")
    }
    return 0
}

/// Equal but for `takenAt`, which goes through a Double and JSON text.
private func same(_ a: InstanceSnapshot, _ b: InstanceSnapshot) -> Bool {
    a.module == b.module && a.moduleDigest == b.moduleDigest && a.memory == b.memory && a.globals == b.globals && a.files == b.files
}

private func digestBytes(of bytes: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    var high: UInt8?
    for character in BlobDigest(of: bytes).hex.utf8 {
        let value = character <= 57 ? character - 48 : character - 87
        if let first = high {
            result.append(first << 4 | value)
            high = nil
        } else {
            high = value
        }
    }
    return result
}
