@testable import TideTesting
import Testing
import TideWasm

@Suite struct TypeEncodingTests {
    static let nullary = Wasm.typeSection([Wasm.funcType([], [])])

    private func importError(_ descriptor: [UInt8]) -> WasmInspectionError? {
        inspectionError(Wasm.module(Self.nullary, Wasm.importSection([Wasm.importEntry("m", "n", descriptor)])))
    }

    /// Offset of the descriptor's first byte in a module built by `importError`.
    private let descriptorOffset = 14 + 2 + 1 + 2 + 2

    @Test(arguments: [0x40, 0x00, 0x7A, 0x6E, 0x63, 0x64, 0xFF] as [UInt8])
    func invalidValueTypes(byte: UInt8) {
        let bytes = Wasm.module(Wasm.section(.type, [0x01, 0x60, 0x01, byte, 0x00]))
        #expect(inspectionError(bytes) == WasmInspectionError(
            offset: 13, context: .section(.type), reason: .invalidValueType(byte)))
    }

    @Test func invalidValueTypeMessage() {
        let bytes = Wasm.module(Wasm.section(.type, [0x01, 0x60, 0x00, 0x01, 0x40]))
        #expect(inspectionError(bytes)?.message == "invalid value type 0x40 at byte 14 in the type section")
    }

    @Test(arguments: [0x5F, 0x4E, 0x50, 0x00] as [UInt8])
    func unsupportedTypeForms(form: UInt8) {
        let bytes = Wasm.module(Wasm.section(.type, [0x01, form, 0x00, 0x00]))
        let error = inspectionError(bytes)
        #expect(error == WasmInspectionError(offset: 11, context: .section(.type), reason: .unsupportedTypeForm(form)))
        #expect(error?.message.hasSuffix("only function types (0x60) are supported") == true)
    }

    @Test func invalidImportKind() {
        let error = importError([0x05, 0x00])
        #expect(error == WasmInspectionError(
            offset: descriptorOffset, context: .section(.import), reason: .invalidExternalKind(5)))
        #expect(error?.message == "invalid import kind 0x05 at byte \(descriptorOffset) in the import section")
    }

    @Test func invalidExportKind() {
        let bytes = Wasm.module(Wasm.exportSection([Wasm.name("x") + [0x07, 0x00]]))
        #expect(inspectionError(bytes)?.message == "invalid export kind 0x07 at byte 13 in the export section")
    }

    @Test func invalidTableElementType() {
        let error = importError([0x01, 0x7F, 0x00, 0x00])
        #expect(error?.reason == .invalidReferenceType(0x7F))
        #expect(error?.offset == descriptorOffset + 1)
    }

    @Test(arguments: [0x02, 0x08, 0x80, 0xFF] as [UInt8])
    func invalidLimitsFlags(flags: UInt8) {
        let error = importError([0x02, flags, 0x01, 0x01])
        #expect(error == WasmInspectionError(
            offset: descriptorOffset + 1, context: .section(.import), reason: .invalidLimitsFlags(flags)))
    }

    @Test func sharedTablesAreRejected() {
        #expect(importError([0x01, 0x70, 0x03, 0x01, 0x02])?.reason == .invalidLimitsFlags(0x03))
    }

    @Test(arguments: [0x04, 0x05, 0x06, 0x07] as [UInt8])
    func sixtyFourBitLimitsAreRejectedClearly(flags: UInt8) {
        let memory = inspectionError(Wasm.module(Wasm.memorySection([[flags, 0x01, 0x02]])))
        #expect(memory == WasmInspectionError(
            offset: 11, context: .section(.memory), reason: .unsupported64BitLimits(flags: flags)))
        #expect(memory?.message.contains("64-bit limits (memory64/table64") == true)
        #expect(importError([0x01, 0x70, flags, 0x01, 0x02])?.reason == .unsupported64BitLimits(flags: flags))
    }

    @Test func minimumAboveMaximum() {
        let error = inspectionError(Wasm.module(Wasm.memorySection([Wasm.limits(5, 2)])))
        #expect(error?.reason == .limitsMinimumExceedsMaximum(minimum: 5, maximum: 2))
        #expect(error?.message == "limits minimum 5 exceeds the maximum 2 at byte 11 in the memory section")
        #expect(importError([0x01, 0x70] + Wasm.limits(9, 3))?.reason ==
            .limitsMinimumExceedsMaximum(minimum: 9, maximum: 3))
    }

    @Test func memoryAboveFourGibibytes() {
        let error = inspectionError(Wasm.module(Wasm.memorySection([Wasm.limits(1, 65_537)])))
        #expect(error?.reason == .memoryTooLarge(pages: 65_537))
        #expect(error?.message == "memory size of 65537 pages at byte 11 in the memory section exceeds the limit of 65536 pages (4 GiB)")
        #expect(importError([0x02] + Wasm.limits(70_000))?.reason == .memoryTooLarge(pages: 70_000))
    }

    @Test func tablesMayBeLarge() throws {
        let bytes = Wasm.module(Self.nullary, Wasm.importSection([
            Wasm.importEntry("m", "t", Wasm.importTable(.externref, Wasm.limits(100_000, UInt32.max))),
        ]))
        let info = try WasmModuleInfo(parsing: bytes)
        #expect(info.imports.first?.descriptor ==
            .table(TableType(elementType: .externref, limits: Limits(minimum: 100_000, maximum: UInt32.max))))
    }

    @Test func invalidGlobalMutability() {
        let error = importError([0x03, 0x7F, 0x02])
        #expect(error == WasmInspectionError(
            offset: descriptorOffset + 2, context: .section(.import), reason: .invalidMutability(2)))
        #expect(error?.message.hasSuffix("expected 0x00 or 0x01") == true)
        #expect(importError([0x03, 0x40, 0x00])?.reason == .invalidValueType(0x40))
    }

    @Test func invalidTagAttribute() {
        #expect(importError([0x04, 0x01, 0x00]) == WasmInspectionError(
            offset: descriptorOffset + 1, context: .section(.import), reason: .invalidTagAttribute(1)))
    }
}
