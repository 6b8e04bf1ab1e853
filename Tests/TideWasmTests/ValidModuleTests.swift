@testable import TideTesting
import Testing
import TideWasm

@Suite struct ValidModuleTests {
    @Test func smallestModuleIsEightBytes() throws {
        let info = try WasmModuleInfo(parsing: Wasm.header)
        #expect(Wasm.header.count == 8)
        #expect(info == WasmModuleInfo(version: 1))
        #expect(info.functionCount == 0)
        #expect(info.requiredImports.isEmpty)
    }

    @Test func everyValueTypeInParametersAndResults() throws {
        let all = SampleModules.allValueTypes
        let bytes = Wasm.module(
            Wasm.typeSection([
                Wasm.funcType(all, []),
                Wasm.funcType([], all),
                Wasm.funcType(all, all.reversed()),
                Wasm.funcType([], []),
            ])
        )
        let info = try WasmModuleInfo(parsing: bytes)
        #expect(info.types == [
            FunctionSignature(parameters: all),
            FunctionSignature(results: all),
            FunctionSignature(parameters: all, results: all.reversed()),
            FunctionSignature(),
        ])
    }

    @Test func richModuleResolvesEverything() throws {
        let info = try WasmModuleInfo(parsing: SampleModules.rich)
        let i64ToI64 = FunctionSignature(parameters: [.i64], results: [.i64])
        let everything = FunctionSignature(
            parameters: SampleModules.allValueTypes, results: SampleModules.allValueTypes.reversed()
        )
        let binary = FunctionSignature(parameters: [.i32, .i32], results: [.i32])

        #expect(info.types.count == 4)
        #expect(info.imports == [
            WasmImport(module: "env", name: "log", descriptor: .function(typeIndex: 3, signature: binary)),
            WasmImport(module: "env", name: "table", descriptor: .table(
                TableType(elementType: .funcref, limits: Limits(minimum: 1, maximum: 10)))),
            WasmImport(module: "env", name: "memory", descriptor: .memory(MemoryType(limits: Limits(minimum: 1)))),
            WasmImport(module: "wasi_snapshot_preview1", name: "fd_write",
                       descriptor: .function(typeIndex: 2, signature: everything)),
            WasmImport(module: "env", name: "counter", descriptor: .global(GlobalType(valueType: .i64, isMutable: true))),
            WasmImport(module: "env", name: "oops", descriptor: .tag(typeIndex: 1, signature: i64ToI64)),
        ])
        #expect(info.functionTypeIndices == [1, 0, 2])
        #expect(info.memories == [MemoryType(limits: Limits(minimum: 2, maximum: 16))])
        #expect(info.startFunctionIndex == 3)
        #expect(info.importedFunctionCount == 2)
        #expect(info.functionCount == 5)

        #expect(info.exports.map(\.name) == ["fibo", "log", "multi", "memory", "table", "answer", "tag"])
        #expect(info.export(named: "fibo")?.descriptor == .function(index: 2, signature: i64ToI64))
        #expect(info.export(named: "log")?.descriptor == .function(index: 0, signature: binary))
        #expect(info.export(named: "multi")?.functionSignature == everything)
        #expect(info.export(named: "memory")?.descriptor ==
            .memory(index: 1, type: MemoryType(limits: Limits(minimum: 2, maximum: 16))))
        #expect(info.export(named: "table")?.descriptor == .table(index: 0))
        #expect(info.export(named: "answer")?.descriptor == .global(index: 1))
        #expect(info.export(named: "tag")?.descriptor == .tag(index: 0))
        #expect(info.exportsByName.count == 7)
        #expect(info.exportsByName["fibo"]?.kind == .function)
        #expect(info.functionExports.map(\.name) == ["fibo", "log", "multi"])
        #expect(info.exportedFunctionSignature(named: "memory") == nil)
        #expect(info.exportedFunctionSignature(named: "missing") == nil)

        #expect(info.signature(ofFunction: 0) == binary)
        #expect(info.signature(ofFunction: 1) == everything)
        #expect(info.signature(ofFunction: 2) == i64ToI64)
        #expect(info.signature(ofFunction: 3) == FunctionSignature())
        #expect(info.signature(ofFunction: 5) == nil)
    }

    @Test func convenienceGroupsImportsByModule() throws {
        let info = try WasmModuleInfo(parsing: SampleModules.rich)
        #expect(info.importedFunctions.map(\.qualifiedName) == ["env.log", "wasi_snapshot_preview1.fd_write"])
        #expect(info.importModuleNames == ["env", "wasi_snapshot_preview1"])
        #expect(Set(info.requiredImports.keys) == ["env", "wasi_snapshot_preview1"])
        #expect(info.requiredImports["env"]?.map(\.name) == ["log", "table", "memory", "counter", "oops"])
        #expect(info.requiredImports["wasi_snapshot_preview1"]?.map(\.kind) == [.function])
    }

    @Test func everySectionIsRecordedIncludingSkippedOnes() throws {
        let bytes = SampleModules.rich
        let info = try WasmModuleInfo(parsing: bytes)
        #expect(info.sections.map(\.id) == [
            .custom, .type, .import, .function, .table, .memory, .tag, .global, .export, .start,
            .element, .dataCount, .code, .data, .custom,
        ])
        #expect(info.customSectionNames == ["leading", "name"])
        #expect(info.sections.first?.offset == 8)
        #expect(info.sections.first?.contentOffset == 10)
        #expect(info.sections.first?.size == 11)
        #expect(info.sections.last?.endOffset == bytes.count)
        for (previous, next) in zip(info.sections, info.sections.dropFirst()) {
            #expect(previous.endOffset == next.offset)
        }
        #expect(info.sections(withID: .code).count == 1)
    }

    @Test func customSectionsMayAppearAnywhereAndRepeat() throws {
        let bytes = Wasm.module(
            Wasm.customSection("a"),
            Wasm.typeSection([Wasm.funcType([], [])]),
            Wasm.customSection("b", [0xFF, 0xFF, 0xFF]),
            Wasm.customSection("b"),
            Wasm.functionSection([0]),
            Wasm.customSection("c"),
            Wasm.codeSection(bodies: 1),
            Wasm.customSection("d")
        )
        let info = try WasmModuleInfo(parsing: bytes)
        #expect(info.customSectionNames == ["a", "b", "b", "c", "d"])
        #expect(info.functionTypeIndices == [0])
    }

    @Test func skippedSectionContentIsNeverParsed() throws {
        let garbage: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x80]
        let bytes = Wasm.module(
            Wasm.section(.table, garbage),
            Wasm.section(.global, garbage),
            Wasm.section(.element, garbage),
            Wasm.section(.dataCount, garbage),
            Wasm.section(.data, garbage)
        )
        let info = try WasmModuleInfo(parsing: bytes)
        #expect(info.sections.map(\.size) == Array(repeating: garbage.count, count: 5))
    }

    @Test func unknownSectionsAreSkippedWhenAllowed() throws {
        let bytes = Wasm.module(
            Wasm.typeSection([Wasm.funcType([], [])]),
            Wasm.section(SectionID(rawValue: 0x2A), [1, 2, 3, 4])
        )
        let lenient = WasmInspectionOptions(skipsUnknownSections: true)
        let info = try WasmModuleInfo(parsing: bytes, options: lenient)
        #expect(info.sections.map(\.id.rawValue) == [1, 0x2A])
        #expect(info.sections.last?.size == 4)
        #expect(!SectionID(rawValue: 0x2A).isKnown)
        #expect(SectionID(rawValue: 0x2A).description == "unknown (id 42) section")
    }

    @Test(arguments: [
        (Wasm.limits(0), Limits(minimum: 0), false),
        (Wasm.limits(1, 1), Limits(minimum: 1, maximum: 1), false),
        (Wasm.limits(17, 65_536), Limits(minimum: 17, maximum: 65_536), false),
        (Wasm.limits(65_536), Limits(minimum: 65_536), false),
        (Wasm.limits(1, 4, shared: true), Limits(minimum: 1, maximum: 4), true),
    ])
    func memoryLimits(encoded: [UInt8], limits: Limits, shared: Bool) throws {
        let info = try WasmModuleInfo(parsing: Wasm.module(Wasm.memorySection([encoded])))
        #expect(info.memories == [MemoryType(limits: limits, isShared: shared)])
    }

    @Test func memorySizesInBytes() {
        let memory = MemoryType(limits: Limits(minimum: 2, maximum: 65_536))
        #expect(memory.minimumBytes == 131_072)
        #expect(memory.maximumBytes == 4_294_967_296)
        #expect(MemoryType(limits: Limits(minimum: 1)).maximumBytes == nil)
    }

    @Test func nonCanonicalButBoundedLEB128IsAccepted() throws {
        // Type index 0 encoded on 5 bytes, and a section size padded to 5 bytes.
        let function: [UInt8] = [0x03, 0x86, 0x80, 0x80, 0x80, 0x00, 0x01, 0x80, 0x80, 0x80, 0x80, 0x00]
        let bytes = Wasm.module(Wasm.typeSection([Wasm.funcType([], [])]), function, Wasm.codeSection(bodies: 1))
        let info = try WasmModuleInfo(parsing: bytes)
        #expect(info.functionTypeIndices == [0])
    }

    @Test func emptyStartFunctionTypeIsAccepted() throws {
        let bytes = Wasm.module(
            Wasm.typeSection([Wasm.funcType([], [])]),
            Wasm.importSection([Wasm.importEntry("env", "init", Wasm.importFunction(0))]),
            Wasm.startSection(0)
        )
        #expect(try WasmModuleInfo(parsing: bytes).startFunctionIndex == 0)
    }

    @Test func unicodeNamesAreDecoded() throws {
        let bytes = Wasm.module(
            Wasm.typeSection([Wasm.funcType([], [])]),
            Wasm.importSection([Wasm.importEntry("capteur-température", "读取", Wasm.importFunction(0))]),
            Wasm.exportSection([Wasm.exportEntry("🌊", .function, 0), Wasm.exportEntry("", .function, 0)])
        )
        let info = try WasmModuleInfo(parsing: bytes)
        #expect(info.imports.first?.module == "capteur-température")
        #expect(info.imports.first?.name == "读取")
        #expect(info.exports.map(\.name) == ["🌊", ""])
    }

    @Test func inputAtTheSizeLimitIsAccepted() throws {
        let bytes = Wasm.module(Wasm.customSection("pad", [0, 0, 0]))
        let options = WasmInspectionOptions(maximumInputSize: bytes.count)
        #expect(try WasmModuleInfo(parsing: bytes, options: options).customSectionNames == ["pad"])
        #expect(WasmInspectionOptions().maximumInputSize == 64 * 1024 * 1024)
    }
}
