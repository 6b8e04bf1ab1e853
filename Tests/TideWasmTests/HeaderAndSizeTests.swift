@testable import TideTesting
import Testing
import TideWasm

@Suite struct HeaderAndSizeTests {
    @Test func emptyInput() {
        let error = inspectionError([])
        #expect(error == WasmInspectionError(offset: 0, context: .header, reason: .truncated(missingBytes: 8)))
        #expect(error?.message == "truncated module header at byte 0: expected 8 more bytes")
    }

    @Test func truncatedHeader() {
        #expect(inspectionError([0x00, 0x61, 0x73])?.reason == .truncated(missingBytes: 5))
        let error = inspectionError([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00])
        #expect(error?.message == "truncated module header at byte 6: expected 2 more bytes")
    }

    @Test func wrongMagic() {
        let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00]
        let error = inspectionError(elf)
        #expect(error?.reason == .badMagic(found: [0x7F, 0x45, 0x4C, 0x46]))
        #expect(error?.offset == 0)
        #expect(error?.message ==
            "not a WebAssembly module: expected the magic bytes 00 61 73 6D at byte 0, found 7F 45 4C 46")
        #expect(inspectionError(Array("{}".utf8))?.reason == .badMagic(found: [0x7B, 0x7D]))
    }

    @Test func wrongVersion() {
        let error = inspectionError([0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00])
        #expect(error == WasmInspectionError(offset: 4, context: .header, reason: .unsupportedVersion(2)))
        #expect(error?.message == "unsupported WebAssembly version 2 at byte 4: only version 1 is supported")
    }

    @Test func componentIsRecognised() {
        let error = inspectionError([0x00, 0x61, 0x73, 0x6D, 0x0D, 0x00, 0x01, 0x00])
        #expect(error?.reason == .unsupportedVersion(0x1000D))
        #expect(error?.message.contains("WebAssembly component") == true)
    }

    @Test func overSizeInputIsRejectedUpFront() {
        let bytes = Wasm.module(Wasm.customSection("pad", [0, 0, 0, 0]))
        let options = WasmInspectionOptions(maximumInputSize: bytes.count - 1)
        let error = inspectionError(bytes, options: options)
        #expect(error == WasmInspectionError(
            offset: 0, context: .module, reason: .inputTooLarge(size: bytes.count, limit: bytes.count - 1)))
        #expect(error?.message == "input of 18 bytes exceeds the maximum module size of 17 bytes")
    }

    @Test func defaultLimitRejectsSixtyFourMebibytesPlusOne() {
        // Not even a valid header: the size is checked before anything is read.
        let bytes = [UInt8](repeating: 0xFF, count: WasmInspectionOptions.defaultMaximumInputSize + 1)
        #expect(inspectionError(bytes)?.reason ==
            .inputTooLarge(size: bytes.count, limit: WasmInspectionOptions.defaultMaximumInputSize))
    }

    @Test func sectionSizePastTheEnd() {
        let error = inspectionError(Wasm.header + [0x01, 0x10, 0x00])
        #expect(error == WasmInspectionError(
            offset: 9, context: .section(.type), reason: .sectionExceedsInput(declaredSize: 16, remainingBytes: 1)))
        #expect(error?.message ==
            "truncated type section at byte 9: its declared size of 16 bytes exceeds the remaining 1 byte of input")
    }

    @Test func maximalSectionSize() {
        let error = inspectionError(Wasm.header + [0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00])
        #expect(error?.reason == .sectionExceedsInput(declaredSize: 4_294_967_295, remainingBytes: 1))
    }

    @Test func overlongLEB128() {
        let error = inspectionError(Wasm.header + [0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])
        #expect(error == WasmInspectionError(offset: 9, context: .sectionHeader, reason: .leb128TooLong))
        #expect(error?.message == "LEB128 integer at byte 9 in the section header is longer than 5 bytes")
    }

    @Test func leb128OverflowingThirtyTwoBits() {
        let error = inspectionError(Wasm.header + [0x01, 0x80, 0x80, 0x80, 0x80, 0x10])
        #expect(error == WasmInspectionError(offset: 9, context: .sectionHeader, reason: .leb128Overflow))
        #expect(error?.message == "LEB128 integer at byte 9 in the section header overflows 32 bits")
    }

    @Test func overlongLEB128InsideASection() {
        let bytes = Wasm.header + [0x03, 0x06, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80]
        let error = inspectionError(bytes)
        #expect(error == WasmInspectionError(offset: 11, context: .section(.function), reason: .leb128TooLong))
        #expect(error?.message == "LEB128 integer at byte 11 in the function section is longer than 5 bytes")
    }

    @Test func leb128RunningOffTheSection() {
        let error = inspectionError(Wasm.header + [0x01, 0x01, 0x81])
        #expect(error == WasmInspectionError(offset: 11, context: .section(.type), reason: .truncated(missingBytes: 1)))
        #expect(error?.message == "truncated type section at byte 11: expected 1 more byte")
    }

    @Test func truncatedSectionHeader() {
        let error = inspectionError(Wasm.header + [0x01])
        #expect(error == WasmInspectionError(offset: 9, context: .sectionHeader, reason: .truncated(missingBytes: 1)))
        #expect(error?.message == "truncated section header at byte 9: expected 1 more byte")
    }
}
