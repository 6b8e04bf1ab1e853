@testable import TideTesting
import TideFixtures
import Testing
import TideWasm

@Suite struct GarbageInputTests {
    private func checkNoCrash(_ bytes: [UInt8], options: WasmInspectionOptions = WasmInspectionOptions()) -> Bool {
        do {
            let info = try WasmModuleInfo(parsing: bytes, options: options)
            #expect(info.sections.last.map { $0.endOffset == bytes.count } ?? (bytes.count == 8))
            return true
        } catch {
            #expect((0...bytes.count).contains(error.offset), "\(error)")
            return false
        }
    }

    @Test func randomBytes() {
        var generator = SplitMix64(seed: 0x7469_6465)
        for _ in 0..<3_000 {
            let length = Int.random(in: 0...256, using: &generator)
            _ = checkNoCrash(generator.bytes(count: length))
        }
    }

    @Test func randomBytesAfterAValidHeader() {
        var generator = SplitMix64(seed: 42)
        var accepted = 0
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...128, using: &generator)
            if checkNoCrash(Wasm.header + generator.bytes(count: length)) { accepted += 1 }
        }
        #expect(accepted < 5_000)
    }

    /// Random sections with plausible ids and sizes, so that the section parsers themselves see garbage.
    @Test func randomSectionsWithConsistentSizes() {
        var generator = SplitMix64(seed: 7)
        let lenient = WasmInspectionOptions(skipsUnknownSections: true)
        for round in 0..<5_000 {
            var bytes = Wasm.header
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let id = SectionID(rawValue: UInt8.random(in: 0...15, using: &generator))
                let content = generator.bytes(count: Int.random(in: 0...40, using: &generator))
                bytes += Wasm.section(id, content)
            }
            _ = checkNoCrash(bytes, options: round.isMultiple(of: 2) ? lenient : WasmInspectionOptions())
        }
    }

    /// Single-byte mutations of a rich valid module reach deep into every parser.
    @Test func mutationsOfARichModule() {
        let rich = SampleModules.rich
        var generator = SplitMix64(seed: 2024)
        var rejected = 0
        for _ in 0..<5_000 {
            var bytes = rich
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                bytes[Int.random(in: 8..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            if !checkNoCrash(bytes) { rejected += 1 }
        }
        #expect(rejected > 0)
    }

    @Test func everyByteValueAtEveryPositionOfASmallModule() {
        let base = Wasm.module(
            Wasm.typeSection([Wasm.funcType([.i32], [.i64])]),
            Wasm.importSection([Wasm.importEntry("e", "f", Wasm.importFunction(0))]),
            Wasm.memorySection([Wasm.limits(1, 2)]),
            Wasm.exportSection([Wasm.exportEntry("f", .function, 0), Wasm.exportEntry("m", .memory, 0)])
        )
        for position in 8..<base.count {
            for value in UInt8.min...UInt8.max {
                var bytes = base
                bytes[position] = value
                _ = checkNoCrash(bytes)
            }
        }
    }
}
