import Testing
import TideWasm

@Suite struct SignatureRenderingTests {
    @Test func functionSignaturesRenderAsWAT() {
        let fibo = FunctionSignature(parameters: [.i64], results: [.i64])
        #expect(fibo.watDescription == "(func (param i64) (result i64))")
        #expect(fibo.watClauses == "(param i64) (result i64)")
        #expect("\(fibo)" == "(func (param i64) (result i64))")
        #expect(FunctionSignature().watDescription == "(func)")
        #expect(FunctionSignature().watClauses == "")
        #expect(FunctionSignature(parameters: [.i32, .f64]).watDescription == "(func (param i32 f64))")
        #expect(FunctionSignature(results: [.v128, .funcref, .externref]).watDescription ==
            "(func (result v128 funcref externref))")
        #expect(FunctionSignature(parameters: [.f32], results: [.i32, .i64]).watDescription ==
            "(func (param f32) (result i32 i64))")
    }

    @Test func publishMismatchMessageReadsNaturally() {
        let declared = FunctionSignature(parameters: [.i64], results: [.i64])
        let exported = FunctionSignature(parameters: [.i32], results: [.i32])
        let message = "function fibo: declared \(declared.watClauses) but the module exports \(exported.watClauses)"
        #expect(message == "function fibo: declared (param i64) (result i64) but the module exports (param i32) (result i32)")
    }

    @Test func otherTypesRenderAsWAT() {
        #expect(MemoryType(limits: Limits(minimum: 1)).watDescription == "(memory 1)")
        #expect(MemoryType(limits: Limits(minimum: 1, maximum: 2), isShared: true).watDescription ==
            "(memory 1 2 shared)")
        #expect(TableType(elementType: .externref, limits: Limits(minimum: 0, maximum: 8)).watDescription ==
            "(table 0 8 externref)")
        #expect(GlobalType(valueType: .i32, isMutable: false).watDescription == "(global i32)")
        #expect(GlobalType(valueType: .f64, isMutable: true).watDescription == "(global (mut f64))")
        #expect(ReferenceType.funcref.valueType == .funcref)
        #expect(ExternalKind.allCases.map(\.watName) == ["func", "table", "memory", "global", "tag"])
    }

    @Test func importsAndExportsRenderAsWAT() {
        let log = WasmImport(module: "env", name: "log", descriptor: .function(
            typeIndex: 0, signature: FunctionSignature(parameters: [.i32])))
        #expect(log.watDescription == #"(import "env" "log" (func (param i32)))"#)
        let tick = WasmImport(module: "env", name: "tick", descriptor: .function(typeIndex: 0, signature: FunctionSignature()))
        #expect(tick.watDescription == #"(import "env" "tick" (func))"#)
        let memory = WasmImport(module: "env", name: "mem", descriptor: .memory(MemoryType(limits: Limits(minimum: 1))))
        #expect(memory.watDescription == #"(import "env" "mem" (memory 1))"#)
        let odd = WasmExport(name: "a\"b\\c\n", descriptor: .global(index: 3))
        #expect(odd.watDescription == #"(export "a\"b\\c\n" (global 3))"#)
        #expect(WasmExport(name: "f", descriptor: .function(index: 7, signature: FunctionSignature())).description ==
            #"(export "f" (func 7))"#)
    }
}
