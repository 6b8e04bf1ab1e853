@testable import TideTesting
import Testing
import TideWasm

@Suite struct TruncationTests {
    /// Every prefix of a module that uses every section either fails with an error that points
    /// inside the prefix, or ends exactly at a section boundary and parses as the sections before it.
    @Test func everyPrefixOfARichModule() throws {
        let full = SampleModules.rich
        let info = try WasmModuleInfo(parsing: full)
        let boundaries = Dictionary(uniqueKeysWithValues: info.sections.enumerated().map { ($1.endOffset, $0 + 1) })
        var accepted: [Int] = []
        for length in 0..<full.count {
            let prefix = Array(full.prefix(length))
            if let error = inspectionError(prefix) {
                #expect(error.offset <= length, "prefix \(length): \(error)")
                continue
            }
            accepted.append(length)
            let sectionCount = try #require(length == 8 ? 0 : boundaries[length], "prefix \(length) was accepted")
            #expect(try WasmModuleInfo(parsing: prefix).sections == Array(info.sections.prefix(sectionCount)))
        }
        // Header only; after the leading custom, type and import sections; after code, data and the last custom.
        #expect(accepted.count == 6)
    }

    /// Cutting the content of a parsed section, with its size adjusted so the section stays
    /// well-formed, gives a truncation error at the cut, in that section.
    @Test(arguments: [SectionID.type, .import, .function, .memory, .export, .start])
    func everyCutOfAParsedSection(id: SectionID) throws {
        let full = SampleModules.rich
        let info = try WasmModuleInfo(parsing: full)
        let section = try #require(info.sections(withID: id).first)
        let content = Array(full[section.contentOffset..<section.endOffset])
        let before = Array(full[..<section.offset])
        let after = Array(full[section.endOffset...])
        for cut in 0..<content.count {
            let bytes = before + Wasm.section(id, Array(content.prefix(cut))) + after
            let cutOffset = section.offset + Wasm.section(id, Array(content.prefix(cut))).count
            let error = inspectionError(bytes)
            #expect(error?.context == .section(id), "cut \(cut): \(String(describing: error))")
            #expect(error?.offset == cutOffset || error?.reason.isVectorCount == true,
                    "cut \(cut): \(String(describing: error))")
            switch error?.reason {
            case .truncated, .vectorCountExceedsInput: break
            default: Issue.record("cut \(cut) of the \(id): unexpected \(String(describing: error))")
            }
        }
    }

    /// Content one byte longer than its entries, with the size adjusted, is a size mismatch.
    @Test(arguments: [SectionID.type, .import, .function, .memory, .export, .start])
    func extraByteInAParsedSection(id: SectionID) throws {
        let full = SampleModules.rich
        let info = try WasmModuleInfo(parsing: full)
        let section = try #require(info.sections(withID: id).first)
        let content = Array(full[section.contentOffset..<section.endOffset])
        let grown = Wasm.section(id, content + [0x00])
        let bytes = Array(full[..<section.offset]) + grown + Array(full[section.endOffset...])
        let error = inspectionError(bytes)
        #expect(error == WasmInspectionError(
            offset: section.offset + grown.count - 1, context: .section(id),
            reason: .sectionSizeMismatch(declaredSize: content.count + 1, usedSize: content.count)))
    }
}

extension WasmInspectionError.Reason {
    var isVectorCount: Bool {
        if case .vectorCountExceedsInput = self { true } else { false }
    }
}
