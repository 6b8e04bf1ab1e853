import Foundation
import Testing
import TideWasm

/// Fixtures/sample.wasm is built from Fixtures/sample.c by the toolchain's clang and wasm-ld
/// (the command is at the top of sample.c).
@Suite struct ClangFixtureTests {
    private func sampleBytes() throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "sample", withExtension: "wasm", subdirectory: "Fixtures"))
        return try [UInt8](Data(contentsOf: url))
    }

    @Test func importsAreResolved() throws {
        let info = try WasmModuleInfo(parsing: try sampleBytes())
        #expect(info.imports == [
            WasmImport(module: "env", name: "takeImageStaticSize", descriptor: .function(
                typeIndex: try #require(info.imports.first.flatMap(typeIndex)),
                signature: FunctionSignature(parameters: [.i32, .i32]))),
            WasmImport(module: "wasi_snapshot_preview1", name: "fd_write", descriptor: .function(
                typeIndex: try #require(info.imports.last.flatMap(typeIndex)),
                signature: FunctionSignature(parameters: [.i32, .i32, .i32, .i32], results: [.i32]))),
        ])
        #expect(Set(info.requiredImports.keys) == ["env", "wasi_snapshot_preview1"])
        #expect(info.importedFunctionCount == 2)
    }

    @Test func exportsAreResolvedToSignatures() throws {
        let info = try WasmModuleInfo(parsing: try sampleBytes())
        #expect(info.exports.map(\.name) == ["memory", "fibo", "scale", "checksum"])
        #expect(info.exportedFunctionSignature(named: "fibo")?.watDescription == "(func (param i64) (result i64))")
        #expect(info.exportedFunctionSignature(named: "scale")?.watDescription ==
            "(func (param f32 f64) (result f32))")
        #expect(info.exportedFunctionSignature(named: "checksum")?.watDescription == "(func (result i32))")
        for export in info.functionExports {
            #expect(export.index >= 2, "defined functions come after the two imports")
            #expect(info.signature(ofFunction: export.index) == export.functionSignature)
        }
        guard case .memory(0, let memory)? = info.export(named: "memory")?.descriptor else {
            Issue.record("memory is not exported as memory 0")
            return
        }
        #expect(memory == info.memories.first)
        #expect(memory.limits.minimum >= 1)
    }

    @Test func sectionsIncludingSkippedOnesAreRecorded() throws {
        let bytes = try sampleBytes()
        let info = try WasmModuleInfo(parsing: bytes)
        #expect(info.sections.map(\.id) == [
            .type, .import, .function, .memory, .global, .export, .code, .custom, .custom, .custom,
        ])
        #expect(info.customSectionNames == ["name", "producers", "target_features"])
        #expect(info.sections.last?.endOffset == bytes.count)
        #expect(info.functionTypeIndices.count == 3)
    }

    @Test func everyPrefixOfTheClangModuleIsHandled() throws {
        let bytes = try sampleBytes()
        for length in 0..<bytes.count {
            _ = inspectionError(Array(bytes.prefix(length)))
        }
    }

    private func typeIndex(_ entry: WasmImport) -> UInt32? {
        if case .function(let index, _) = entry.descriptor { index } else { nil }
    }
}
