@testable import TideTesting
import Testing
import TideWasm

@Suite struct EntryValidationTests {
    static let nullary = Wasm.typeSection([Wasm.funcType([], [])])

    @Test func functionTypeIndexOutOfRange() {
        let bytes = Wasm.module(Self.nullary, Wasm.functionSection([3]))
        let error = inspectionError(bytes)
        #expect(error == WasmInspectionError(
            offset: 17, context: .section(.function), reason: .typeIndexOutOfRange(index: 3, typeCount: 1)))
        #expect(error?.message == "type index 3 at byte 17 in the function section is out of range: the module has 1 type")
    }

    @Test func importedFunctionTypeIndexOutOfRange() {
        let bytes = Wasm.module(Wasm.importSection([Wasm.importEntry("env", "f", Wasm.importFunction(0))]))
        #expect(inspectionError(bytes) == WasmInspectionError(
            offset: bytes.count - 1, context: .section(.import), reason: .typeIndexOutOfRange(index: 0, typeCount: 0)))
    }

    @Test func importedTagTypeIndexOutOfRange() {
        let bytes = Wasm.module(Self.nullary, Wasm.importSection([Wasm.importEntry("env", "e", Wasm.importTag(1))]))
        #expect(inspectionError(bytes)?.reason == .typeIndexOutOfRange(index: 1, typeCount: 1))
    }

    @Test func exportedFunctionIndexOutOfRange() {
        let bytes = Wasm.module(
            Self.nullary,
            Wasm.importSection([Wasm.importEntry("env", "f", Wasm.importFunction(0))]),
            Wasm.functionSection([0]),
            Wasm.exportSection([Wasm.exportEntry("g", .function, 2)]),
            Wasm.codeSection(bodies: 1)
        )
        let error = inspectionError(bytes)
        let offset = bytes.count - 6 - 1
        #expect(error == WasmInspectionError(
            offset: offset, context: .section(.export), reason: .functionIndexOutOfRange(index: 2, functionCount: 2)))
        #expect(error?.message ==
            "function index 2 at byte \(offset) in the export section is out of range: the module has 2 functions")
    }

    @Test func exportedMemoryIndexOutOfRange() {
        let bytes = Wasm.module(
            Wasm.memorySection([Wasm.limits(1)]), Wasm.exportSection([Wasm.exportEntry("mem", .memory, 1)])
        )
        let error = inspectionError(bytes)
        #expect(error?.reason == .memoryIndexOutOfRange(index: 1, memoryCount: 1))
        #expect(error?.offset == bytes.count - 1)
        #expect(error?.message.hasSuffix("is out of range: the module has 1 memory") == true)
    }

    @Test func startFunctionOutOfRange() {
        let bytes = Wasm.module(Self.nullary, Wasm.startSection(0))
        #expect(inspectionError(bytes) == WasmInspectionError(
            offset: bytes.count - 1, context: .section(.start), reason: .functionIndexOutOfRange(index: 0, functionCount: 0)))
    }

    @Test func startFunctionMustTakeAndReturnNothing() {
        let bytes = Wasm.module(
            Wasm.typeSection([Wasm.funcType([.i32], [])]),
            Wasm.importSection([Wasm.importEntry("env", "f", Wasm.importFunction(0))]),
            Wasm.startSection(0)
        )
        let error = inspectionError(bytes)
        #expect(error?.reason == .invalidStartFunctionType(index: 0, signature: FunctionSignature(parameters: [.i32])))
        #expect(error?.message == "start function 0 at byte \(bytes.count - 1) has type (func (param i32)), expected (func)")
    }

    @Test func duplicateExportNames() {
        let bytes = Wasm.module(
            Wasm.memorySection([Wasm.limits(1)]),
            Wasm.exportSection([Wasm.exportEntry("run", .memory, 0), Wasm.exportEntry("run", .memory, 0)])
        )
        let error = inspectionError(bytes)
        let offset = bytes.count - 6
        #expect(error == WasmInspectionError(offset: offset, context: .section(.export), reason: .duplicateExportName("run")))
        #expect(error?.message == "duplicate export name \"run\" at byte \(offset)")
    }

    @Test func duplicateAmongManyExportNames() throws {
        let names = (0..<5_000).map { "f\($0)" }
        let entries = names.map { Wasm.exportEntry($0, .memory, 0) }
        let unique = Wasm.module(Wasm.memorySection([Wasm.limits(1)]), Wasm.exportSection(entries))
        #expect(try WasmModuleInfo(parsing: unique).exports.map(\.name) == names)

        let duplicated = Wasm.module(
            Wasm.memorySection([Wasm.limits(1)]),
            Wasm.exportSection(entries + [Wasm.exportEntry("f4321", .memory, 0)])
        )
        #expect(inspectionError(duplicated)?.reason == .duplicateExportName("f4321"))
        #expect(inspectionError(duplicated)?.offset == duplicated.count - 8)
    }

    @Test(arguments: [
        ([0x61, 0xFF], 1),
        ([0xC0, 0x80], 0),
        ([0x61, 0x62, 0xED, 0xA0, 0x80], 2),
        ([0xE2, 0x82], 0),
        ([0x61, 0xF4, 0x90, 0x80, 0x80], 1),
        ([0xF0, 0x9F, 0x8C, 0x8A, 0x80], 4),
    ] as [([UInt8], Int)])
    func invalidUTF8Names(name: [UInt8], badByte: Int) {
        let bytes = Wasm.module(Wasm.exportSection([Wasm.rawName(name) + [0x00, 0x00]]))
        let nameStart = 12
        let error = inspectionError(bytes)
        #expect(error == WasmInspectionError(
            offset: nameStart + badByte, context: .section(.export), reason: .invalidUTF8Name))
    }

    @Test func invalidUTF8InImportAndCustomNames() {
        let importBytes = Wasm.module(Wasm.importSection([Wasm.rawName([0x65, 0xFE]) + Wasm.name("f") + [0x00, 0x00]]))
        let error = inspectionError(importBytes)
        #expect(error?.reason == .invalidUTF8Name)
        #expect(error?.message == "name is not valid UTF-8 at byte 13 in the import section")
        let custom = Wasm.module(Wasm.section(.custom, Wasm.rawName([0x80])))
        #expect(inspectionError(custom) == WasmInspectionError(
            offset: 11, context: .section(.custom), reason: .invalidUTF8Name))
    }
}
