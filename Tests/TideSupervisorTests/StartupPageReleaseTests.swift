import Foundation
import Testing
import TideSupervisor
@testable import TideTesting

@Suite(.stopsWhatItStarts) struct StartupPageReleaseTests {
    @Test func parsesMapsLines() throws {
        let text = """
            55cf23040000-55cf23123000 r--p 01cf2000 fe:00 5383042                    /opt/tide/bin/tide
            7f6436f09000-7f6437024000 rw-p 00508000 fe:00 2250                       /opt/swift/lib/libFoundation.so
            7f6410000000-7f6410029000 rw-p 00000000 00:00 0 
            7ffe16d60000-7ffe16d81000 rw-p 00000000 00:00 0                          [stack]
            7f0000001000-7f0000002000 r-xp 00000000 fe:00 77                         /tmp/a dir/lib with space.so
            not a mapping line
            """
        let mappings = ProcessMapping.parse(maps: text)
        #expect(mappings.count == 5)
        #expect(mappings[0] == ProcessMapping(start: 0x55cf_2304_0000, end: 0x55cf_2312_3000, permissions: "r--p", inode: 5_383_042, path: "/opt/tide/bin/tide"))
        #expect(mappings[0].isReadOnlyFile)
        #expect(!mappings[1].isReadOnlyFile, "writable data is never released")
        #expect(mappings[2].path.isEmpty && !mappings[2].isReadOnlyFile, "anonymous memory is never released")
        #expect(mappings[3].path == "[stack]" && !mappings[3].isReadOnlyFile)
        #expect(mappings[4].path == "/tmp/a dir/lib with space.so" && mappings[4].isReadOnlyFile)
        #expect(ProcessMapping.parse(line: "zz-10 r--p 0 fe:00 1 /x") == nil)
        #expect(ProcessMapping.parse(line: "2000-1000 r--p 0 fe:00 1 /x") == nil, "an empty or inverted range is not a mapping")
    }

    /// /proc files say their size is 0; a reader that trusts that (or stops after one page) sees
    /// only the first mappings.
    @Test func readsProcFilesToTheEnd() throws {
        let maps = try #require(ProcFiles.read("/proc/self/maps"))
        #expect(maps.utf8.count > 4096, "the test process maps dozens of libraries")
        #expect(maps.contains("[stack]"))
        #expect(maps.hasSuffix("\n"))
        #expect(ProcFiles.read("/proc/self/no-such-file") == nil)
    }

    @Test func releasesOnlyReadOnlyPagesOfLoadedObjects() {
        let text = """
            1000-5000 r--p 00000000 fe:00 10 /usr/bin/tide
            5000-9000 r-xp 00004000 fe:00 10 /usr/bin/tide
            9000-a000 r--p 00008000 fe:00 10 /usr/bin/tide
            a000-b000 rw-p 00009000 fe:00 10 /usr/bin/tide
            c000-d000 r--p 00000000 fe:00 11 /usr/lib/locale/locale-archive
            e000-f000 r--p 00000000 fe:00 12 /var/lib/tide/blobs/ab/cdef
            """
        let chosen = ProcessMapping.loadedObjectPages(ProcessMapping.parse(maps: text))
        #expect(chosen.map(\.start) == [0x1000, 0x5000, 0x9000], "data files mapped by a library stay: truncated on disk they would fault")
    }

    @Test func keepsCopiedOnWritePages() {
        let present: UInt64 = 1 << 63
        let file: UInt64 = 1 << 61
        let entries: [UInt64] = [present | file, present | file, present, 0, present | file, file, present | file]
        #expect(PageMapEntry.isCleanFilePage(present | file))
        #expect(!PageMapEntry.isCleanFilePage(present), "a relocated page is a private copy")
        #expect(!PageMapEntry.isCleanFilePage(file), "a page not present has nothing to release")
        let runs = PageMapEntry.cleanRuns(entries)
        #expect(runs.map(\.first) == [0, 4, 6])
        #expect(runs.map(\.count) == [2, 1, 1])
        #expect(PageMapEntry.cleanRuns([]).isEmpty)
    }

    /// Releases the pages of this very test process (other tests keep running meanwhile), then a
    /// supervisor deploys and runs a module: the released code comes back from the page cache.
    @Test func aSupervisorKeepsWorkingAfterTheRelease() async throws {
        let files = FileServer(["fibo.wasm": try Fixtures.fibo])
        let origin = try await files.start()
        let supervisor = try await startSupervisor()

        let outcome = try #require(StartupPageRelease.run(), "Linux exposes /proc/self/pagemap to the process itself")
        #expect(outcome.releasedBytes > 1 << 20)
        #expect(outcome.residentAfter < outcome.residentBefore)

        var node = NodeFixture(id: "dep-after-release")
        try node.fibo(at: origin)
        let deployed = try await supervisor.deploy(node)
        #expect(deployed.status == 200, "\(deployed.text)")
        let result = try await supervisor.call("dep-after-release", "fibo", "fibo", query: "param0=20").json()
        #expect((result["value"] as? NSNumber)?.intValue == 6765)
        #expect(try await http(.GET, supervisor.base + "/health").status == 200)
    }
}
