import Testing
@testable import TidePackageFormat

@Suite("tar archives: reading what tools write")
struct ArchiveReadingTests {
    static let longFolder = "data/a-rather-long-folder-name-that-goes-on-and-on/another-long-folder-name-to-pass-one-hundred-bytes"
    static let model = (0..<1000).map { UInt8($0 % 251) }

    func expectFixturePackage(_ files: [String: [UInt8]]) {
        #expect(files.keys.sorted() == ["\(Self.longFolder)/deep.txt", "data/model.bin", "fibo.wasm", "package.yaml"])
        #expect(files["fibo.wasm"] == [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00])
        #expect(files["data/model.bin"] == Self.model)
        #expect(files["\(Self.longFolder)/deep.txt"] == Array("deep\n".utf8))
        #expect(files["package.yaml"].map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("name: fibo\n") == true)
    }

    @Test(arguments: [
        "gnu-tar-wrapped.tar", "gnu-tar-posix-dot.tar", "python-ustar.tar", "python-gnu.tar", "python-pax.tar",
    ])
    func readsToolArchives(_ name: String) throws {
        let archive = try PackageArchive(tar: try Fixture.bytes(name))
        expectFixturePackage(archive.files)
        #expect(try PackageManifest(yaml: archive.files["package.yaml"] ?? []).name == "fibo")
    }

    @Test func writerOutputReadsBack() throws {
        let files: [String: [UInt8]] = [
            "package.yaml": Array("name: x\n".utf8),
            "fibo.wasm": [0, 0x61, 0x73, 0x6D],
            "data/empty.bin": [],
            "data/exactly-512.bin": [UInt8](repeating: 7, count: 512),
            "\(Self.longFolder)/deep.txt": Array("deep\n".utf8),
            String(repeating: "n", count: 120) + "/" + String(repeating: "m", count: 120) + ".bin": [1, 2, 3],
            "ünïcödé/名前.txt": Array("utf-8\n".utf8),
        ]
        let tar = try PackageArchive(files: files).tar()
        #expect(tar.count % 512 == 0)
        #expect(try PackageArchive(tar: tar).files == files)
    }

    @Test func writerIsDeterministicAndNormalizes() throws {
        let first = try PackageArchive(files: ["./b": [1], "a/": [2]]).tar()
        let second = try PackageArchive(files: ["a": [2], "b": [1]]).tar()
        #expect(first == second)
        #expect(throws: PackageArchiveError.self) { try PackageArchive(files: ["a": [1], "./a": [2]]).tar() }
        #expect(throws: PackageArchiveError.self) { try PackageArchive(files: ["../a": [1]]).tar() }
    }

    @Test func writerOutputIsReadByPythonTarfile() throws {
        let files: [String: [UInt8]] = [
            "package.yaml": Array("name: x\n".utf8),
            "\(Self.longFolder)/deep.txt": Array("deep\n".utf8),
            String(repeating: "n", count: 120) + "/" + String(repeating: "m", count: 120) + ".bin": [1, 2, 3],
        ]
        let listing = try runPython("""
            import sys, tarfile
            with tarfile.open(sys.argv[1]) as tar:
                for member in sorted(tar.getmembers(), key=lambda m: m.name):
                    print(member.name, member.size, member.isfile())
            """, input: try PackageArchive(files: files).tar())
        let expected = files.keys.sorted().map { "\($0) \(files[$0]?.count ?? 0) True" }
        #expect(listing == expected)
    }

    @Test func writerOutputIsReadByGNUTar() throws {
        let files: [String: [UInt8]] = [
            "package.yaml": Array("name: x\n".utf8),
            "\(Self.longFolder)/deep.txt": Array("deep\n".utf8),
            String(repeating: "n", count: 120) + "/" + String(repeating: "m", count: 120) + ".bin": [1, 2, 3],
        ]
        let listing = try runTool(["tar", "-tf"], input: try PackageArchive(files: files).tar())
        #expect(listing.sorted() == files.keys.sorted())
    }

    @Test func stripsOnlyASingleWrappingFolder() throws {
        let wrapped = TarBuilder.archive {
            $0.entry("pkg/", type: "5")
            $0.entry("pkg/package.yaml", contents: [1])
            $0.entry("pkg/data/m.bin", contents: [2])
        }
        #expect(try PackageArchive(tar: wrapped).files == ["package.yaml": [1], "data/m.bin": [2]])
        let flat = TarBuilder.archive {
            $0.entry("./package.yaml", contents: [1])
            $0.entry("./data/m.bin", contents: [2])
        }
        #expect(try PackageArchive(tar: flat).files == ["package.yaml": [1], "data/m.bin": [2]])
        let topFile = TarBuilder.archive { $0.entry("package.yaml", contents: [1]) }
        #expect(try PackageArchive(tar: topFile).files == ["package.yaml": [1]])
    }

    /// Every tool writes the end-of-archive block; without it an upload cut between two entries
    /// would pass for a package with fewer files.
    @Test func readsUstarPrefixesAndRequiresTheEndMarker() throws {
        var builder = TarBuilder()
        builder.entry("m.bin", contents: [9], prefix: "deep/folder")
        builder.entry("package.yaml", contents: [1])
        #expect(throws: PackageArchiveError(entry: nil, reason: .truncated(needed: 512, available: 0))) {
            try PackageArchive(tar: builder.bytes)
        }
        builder.end()
        let files = try PackageArchive(tar: builder.bytes).files
        #expect(files == ["deep/folder/m.bin": [9], "package.yaml": [1]])
    }
}
