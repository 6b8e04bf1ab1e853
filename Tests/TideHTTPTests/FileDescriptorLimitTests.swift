import Testing
import TideHTTP

@Suite("Open file limit")
struct FileDescriptorLimitTests {
    @Test("the soft limit is raised to the hard one and never lowered; a wish above the hard limit gets what is allowed")
    func raised() throws {
        let before = try #require(FileDescriptorLimit.current())
        #expect(FileDescriptorLimit.raise(to: 16) == before.soft)
        #expect(FileDescriptorLimit.current()?.soft == before.soft)
        let raised = try #require(FileDescriptorLimit.raise())
        let after = try #require(FileDescriptorLimit.current())
        #expect(raised == after.soft)
        #expect(after.soft == after.hard)
        #expect(after.soft >= before.soft)
        let beyond = try #require(FileDescriptorLimit.raise(to: after.hard + 1))
        #expect(beyond >= after.soft)
        #expect(FileDescriptorLimit.current()?.soft == beyond)
    }
}
