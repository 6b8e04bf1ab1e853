@testable import TideTesting
import TideWasm

/// Modules shared by several test suites.
enum SampleModules {
    static let allValueTypes: [ValueType] = [.i32, .i64, .f32, .f64, .v128, .funcref, .externref]

    /// Types: 0 () -> (), 1 (i64) -> (i64), 2 every type -> every type (multi-value), 3 (i32 i32) -> (i32).
    static let types: [[UInt8]] = [
        Wasm.funcType([], []),
        Wasm.funcType([.i64], [.i64]),
        Wasm.funcType(allValueTypes, allValueTypes.reversed()),
        Wasm.funcType([.i32, .i32], [.i32]),
    ]

    /// Every kind of section, parsed or skipped, in the order the binary format requires,
    /// with imports of every kind and exports of every kind.
    static var rich: [UInt8] {
        Wasm.module(
            Wasm.customSection("leading", [1, 2, 3]),
            Wasm.typeSection(types),
            Wasm.importSection([
                Wasm.importEntry("env", "log", Wasm.importFunction(3)),
                Wasm.importEntry("env", "table", Wasm.importTable(.funcref, Wasm.limits(1, 10))),
                Wasm.importEntry("env", "memory", Wasm.importMemory(Wasm.limits(1))),
                Wasm.importEntry("wasi_snapshot_preview1", "fd_write", Wasm.importFunction(2)),
                Wasm.importEntry("env", "counter", Wasm.importGlobal(.i64, mutable: true)),
                Wasm.importEntry("env", "oops", Wasm.importTag(1)),
            ]),
            Wasm.functionSection([1, 0, 2]),
            Wasm.section(.table, Wasm.vector([[0x6F] + Wasm.limits(0)])),
            Wasm.memorySection([Wasm.limits(2, 16)]),
            Wasm.section(.tag, Wasm.vector([[0x00, 0x00]])),
            Wasm.section(.global, Wasm.vector([[0x7F, 0x00, 0x41, 0x2A, 0x0B]])),
            Wasm.exportSection([
                Wasm.exportEntry("fibo", .function, 2),
                Wasm.exportEntry("log", .function, 0),
                Wasm.exportEntry("multi", .function, 4),
                Wasm.exportEntry("memory", .memory, 1),
                Wasm.exportEntry("table", .table, 0),
                Wasm.exportEntry("answer", .global, 1),
                Wasm.exportEntry("tag", .tag, 0),
            ]),
            Wasm.startSection(3),
            Wasm.section(.element, [0x00]),
            Wasm.section(.dataCount, [0x00]),
            Wasm.codeSection(bodies: 3),
            Wasm.section(.data, [0x00]),
            Wasm.customSection("name", [0x00, 0x00])
        )
    }
}
