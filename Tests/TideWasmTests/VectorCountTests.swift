@testable import TideTesting
import Testing
import TideWasm

@Suite struct VectorCountTests {
    static let hugeCount = Wasm.uleb(UInt32.max)

    @Test func hugeTypeCountIsRejectedBeforeAllocating() {
        let bytes = Wasm.module(Wasm.section(.type, Self.hugeCount + [0x60, 0x00, 0x00]))
        let error = inspectionError(bytes)
        #expect(error == WasmInspectionError(
            offset: 10, context: .section(.type),
            reason: .vectorCountExceedsInput(count: 4_294_967_295, remainingBytes: 3)))
        #expect(error?.message == "vector count 4294967295 at byte 10 exceeds the remaining 3 bytes of the type section")
    }

    @Test(arguments: [SectionID.type, .import, .function, .memory, .export, .code])
    func hugeCountInEveryCountedSection(id: SectionID) {
        let bytes = Wasm.module(Wasm.section(id, Self.hugeCount + [0, 0, 0, 0, 0]))
        #expect(inspectionError(bytes) == WasmInspectionError(
            offset: 10, context: .section(id),
            reason: .vectorCountExceedsInput(count: UInt32.max, remainingBytes: 5)))
    }

    @Test func hugeParameterCount() {
        let bytes = Wasm.module(Wasm.section(.type, [0x01, 0x60] + Self.hugeCount))
        #expect(inspectionError(bytes)?.reason == .vectorCountExceedsInput(count: UInt32.max, remainingBytes: 0))
        #expect(inspectionError(bytes)?.offset == 12)
    }

    @Test func hugeResultCount() {
        let bytes = Wasm.module(Wasm.section(.type, [0x01, 0x60, 0x01, 0x7F] + Wasm.uleb(1_000_000) + [0x7F]))
        #expect(inspectionError(bytes)?.reason == .vectorCountExceedsInput(count: 1_000_000, remainingBytes: 1))
    }

    @Test func hugeNameLength() {
        let bytes = Wasm.module(Wasm.section(.import, [0x01] + Self.hugeCount + Array("env".utf8)))
        let error = inspectionError(bytes)
        #expect(error == WasmInspectionError(
            offset: 19, context: .section(.import), reason: .truncated(missingBytes: 4_294_967_292)))
        #expect(error?.message == "truncated import section at byte 19: expected 4294967292 more bytes")
    }

    @Test func countOneMoreThanTheEntries() {
        let content = Wasm.vector([Wasm.funcType([.i32], [])])
        var bytes = Wasm.module(Wasm.section(.type, content))
        bytes[10] = 2
        #expect(inspectionError(bytes) == WasmInspectionError(
            offset: 15, context: .section(.type), reason: .truncated(missingBytes: 1)))
    }
}
