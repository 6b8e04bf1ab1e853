@testable import TideTesting
import Testing
import TideWasm

@Suite struct StructureTests {
    @Test func sectionContentShorterThanDeclared() {
        let bytes = Wasm.module(Wasm.section(.type, Wasm.vector([Wasm.funcType([], [])]) + [0x00, 0x00]))
        let error = inspectionError(bytes)
        #expect(error == WasmInspectionError(
            offset: 14, context: .section(.type), reason: .sectionSizeMismatch(declaredSize: 6, usedSize: 4)))
        #expect(error?.message == "type section declares 6 bytes but its content ends at byte 14 after 4, leaving 2 unread")
    }

    @Test func sectionContentLongerThanDeclared() {
        let exports = Wasm.vector([Wasm.exportEntry("fibo", .function, 0)])
        let bytes = Wasm.module([SectionID.export.rawValue, 0x05] + exports)
        let error = inspectionError(bytes)
        #expect(error == WasmInspectionError(
            offset: 15, context: .section(.export), reason: .truncated(missingBytes: 1)))
        #expect(error?.message == "truncated export section at byte 15: expected 1 more byte")
    }

    @Test func startSectionWithTrailingBytes() {
        let bytes = Wasm.module(
            Wasm.typeSection([Wasm.funcType([], [])]),
            Wasm.functionSection([0]),
            Wasm.section(.start, [0x00, 0x00]),
            Wasm.codeSection(bodies: 1)
        )
        #expect(inspectionError(bytes)?.reason == .sectionSizeMismatch(declaredSize: 2, usedSize: 1))
    }

    @Test func outOfOrderSections() {
        let bytes = Wasm.module(Wasm.functionSection([]), Wasm.typeSection([]))
        let error = inspectionError(bytes)
        #expect(error == WasmInspectionError(
            offset: 11, context: .section(.type), reason: .sectionOutOfOrder(previous: .function)))
        #expect(error?.message == "type section at byte 11 is out of order: it must come before the function section")
    }

    @Test func duplicateSections() {
        let bytes = Wasm.module(Wasm.typeSection([]), Wasm.typeSection([]))
        let error = inspectionError(bytes)
        #expect(error == WasmInspectionError(offset: 11, context: .section(.type), reason: .duplicateSection))
        #expect(error?.message == "duplicate type section at byte 11")
    }

    @Test func dataCountMustPrecedeCode() {
        let bytes = Wasm.module(Wasm.codeSection(bodies: 0), Wasm.section(.dataCount, [0x00]))
        #expect(inspectionError(bytes)?.reason == .sectionOutOfOrder(previous: .code))
    }

    @Test func tagMustPrecedeGlobal() {
        let accepted = Wasm.module(Wasm.section(.tag, [0x00]), Wasm.section(.global, [0x00]))
        #expect(inspectionError(accepted) == nil)
        let rejected = Wasm.module(Wasm.section(.global, [0x00]), Wasm.section(.tag, [0x00]))
        #expect(inspectionError(rejected)?.reason == .sectionOutOfOrder(previous: .global))
    }

    @Test func unknownSectionIsRejectedByDefault() {
        let error = inspectionError(Wasm.module(Wasm.section(SectionID(rawValue: 14), [0x00])))
        #expect(error == WasmInspectionError(offset: 8, context: .sectionHeader, reason: .unknownSection(id: 14)))
        #expect(error?.message == "unknown section id 14 at byte 8")
    }

    @Test func functionsWithoutCode() {
        let bytes = Wasm.module(Wasm.typeSection([Wasm.funcType([], [])]), Wasm.functionSection([0, 0]))
        let error = inspectionError(bytes)
        #expect(error == WasmInspectionError(
            offset: bytes.count, context: .module, reason: .functionCodeCountMismatch(functions: 2, bodies: nil)))
        #expect(error?.message ==
            "the function section declares 2 functions but the module has no code section (it ends at byte 19)")
    }

    @Test func functionAndCodeCountsDiffer() {
        let bytes = Wasm.module(
            Wasm.typeSection([Wasm.funcType([], [])]), Wasm.functionSection([0, 0]), Wasm.codeSection(bodies: 1)
        )
        let error = inspectionError(bytes)
        #expect(error == WasmInspectionError(
            offset: 21, context: .section(.code), reason: .functionCodeCountMismatch(functions: 2, bodies: 1)))
        #expect(error?.message == "the function section declares 2 functions but the code section at byte 21 has 1 body")
        #expect(inspectionError(Wasm.module(Wasm.codeSection(bodies: 1)))?.reason ==
            .functionCodeCountMismatch(functions: 0, bodies: 1))
    }
}
