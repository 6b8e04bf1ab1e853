import Testing
@testable import TidePackageFormat

@Suite("tar archives: what is rejected")
struct ArchiveRejectionTests {
    func message(_ tar: [UInt8], limits: PackageArchiveLimits = PackageArchiveLimits()) -> String? {
        do {
            _ = try PackageArchive(tar: tar, limits: limits)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func toolMadeHostileArchives() throws {
        let policy = "a package holds regular files and folders only"
        #expect(message(try Fixture.bytes("python-traversal.tar"))
            == #"archive entry "../evil.sh" is not a relative path inside the package: it contains "..""#)
        #expect(message(try Fixture.bytes("python-absolute.tar"))
            == #"archive entry "/etc/cron.d/evil" is not a relative path inside the package: it is absolute"#)
        #expect(message(try Fixture.bytes("python-symlink.tar"))
            == #"archive entry "fibo.wasm" is a symbolic link to "/etc/passwd"; "# + policy)
        #expect(message(try Fixture.bytes("python-hardlink.tar"))
            == #"archive entry "fibo.wasm" is a hard link to "package.yaml"; "# + policy)
        #expect(message(try Fixture.bytes("python-device.tar"))
            == #"archive entry "dev/null" is a character device; "# + policy)
        #expect(message(try Fixture.bytes("python-duplicate.tar"))
            == #"archive entry "./fibo.wasm" appears more than once"#)
    }

    @Test func traversalHiddenInTheMiddle() {
        let tar = TarBuilder.archive { $0.entry("data/../../etc/passwd", contents: [1]) }
        #expect(message(tar) == #"archive entry "data/../../etc/passwd" is not a relative path inside the package: it contains "..""#)
    }

    @Test func otherSpecialEntries() {
        #expect(message(TarBuilder.archive { $0.entry("disk", type: "4") })
            == #"archive entry "disk" is a block device; a package holds regular files and folders only"#)
        #expect(message(TarBuilder.archive { $0.entry("pipe", type: "6") })
            == #"archive entry "pipe" is a named pipe (FIFO); a package holds regular files and folders only"#)
        #expect(message(TarBuilder.archive { $0.entry("sparse", type: "S") })
            == #"archive entry "sparse" has the unsupported tar entry type 'S'; a package holds regular files and folders only"#)
    }

    @Test func totalSizeLimit() {
        let tar = TarBuilder.archive {
            $0.entry("a.bin", contents: [UInt8](repeating: 1, count: 600))
            $0.entry("b.bin", contents: [UInt8](repeating: 2, count: 500))
        }
        #expect(message(tar, limits: PackageArchiveLimits(maximumTotalSize: 1000))
            == #"archive entry "b.bin" takes the package over the size limit of 1000 bytes"#)
        #expect(message(tar, limits: PackageArchiveLimits(maximumTotalSize: 1100)) == nil)
    }

    @Test func declaredSizeIsCheckedBeforeReading() {
        let tar = TarBuilder.archive { $0.entry("huge.bin", declaredSize: 1 << 33) }
        #expect(message(tar, limits: PackageArchiveLimits(maximumTotalSize: 1 << 20))
            == #"archive entry "huge.bin" takes the package over the size limit of 1048576 bytes"#)
    }

    @Test func fileCountLimit() {
        let tar = TarBuilder.archive { builder in
            for index in 0..<4 { builder.entry("f\(index)", contents: [UInt8(index)]) }
        }
        #expect(message(tar, limits: PackageArchiveLimits(maximumFileCount: 3))
            == #"archive entry "f3" takes the package over the limit of 3 files"#)
    }

    @Test func duplicatesAndFileFolderClashes() {
        #expect(message(TarBuilder.archive {
            $0.entry("a", contents: [1])
            $0.entry("a/b", contents: [2])
        }) == #"archive entry "a/b" is inside "a", which is a file"#)
        #expect(message(TarBuilder.archive {
            $0.entry("a/", type: "5")
            $0.entry("a", contents: [2])
        }) == #"archive entry "a" appears more than once"#)
    }

    @Test func truncatedAndCorrupt() {
        var tar = TarBuilder.archive { $0.entry("a.bin", contents: [UInt8](repeating: 1, count: 1000)) }
        #expect(message(Array(tar.prefix(700))) == #"archive entry "a.bin" is truncated: it needs 836 more bytes but the upload ends after 188"#)
        tar[10] ^= 0xFF
        #expect(message(tar) == "archive is not a tar file: the block at byte 0 is not a valid tar header (checksum mismatch)")
        #expect(message(Array("not a tar at all".utf8)) == "archive is truncated: it needs 496 more bytes but the upload ends after 16")
        #expect(message([UInt8](repeating: 0, count: 1024)) == "archive contains no files")
    }

    @Test func cutShortOnABlockBoundaryOrInThePadding() {
        let complete = TarBuilder.archive { $0.entry("a.bin", contents: [UInt8](repeating: 1, count: 1000)) }
        #expect(message(complete) == nil)
        let withoutEndMarker = Array(complete.prefix(512 + 1024))
        #expect(message(withoutEndMarker) == "archive is truncated: it needs 512 more bytes but the upload ends after 0")
        let inThePadding = Array(complete.prefix(512 + 1010))
        #expect(message(inThePadding) == #"archive entry "a.bin" is truncated: it needs 14 more bytes but the upload ends after 1010"#)
    }

    @Test func paxRecordLengthThatWouldOverflow() {
        var builder = TarBuilder()
        builder.entry("PaxHeader/a", type: "x", contents: Array("9223372036854775807 path=a\n".utf8))
        builder.entry("a", contents: [1])
        builder.end()
        #expect(message(builder.bytes) == #"archive entry "PaxHeader/a" has an invalid extended header: malformed record at byte 0"#)
        var second = TarBuilder()
        second.entry("PaxHeader/c", type: "x", contents: Array("6 a=b\n9223372036854775807 path=x\n".utf8))
        second.entry("c", contents: [1])
        second.end()
        #expect(message(second.bytes) == #"archive entry "PaxHeader/c" has an invalid extended header: malformed record at byte 6"#)
        var huge = TarBuilder()
        huge.entry("PaxHeader/b", type: "x", contents: Array("28 size=9223372036854775807\n".utf8))
        huge.entry("b", contents: [1])
        huge.end()
        #expect(message(huge.bytes) == #"archive entry "b" takes the package over the size limit of 268435456 bytes"#)
    }
}
