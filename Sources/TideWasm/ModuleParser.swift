/// Walks the sections of a module, parsing the ones the inspector needs and recording the rest.
struct ModuleParser {
    static let magic: [UInt8] = [0x00, 0x61, 0x73, 0x6D]
    static let supportedVersion: UInt32 = 1

    let options: WasmInspectionOptions

    var types: [FunctionSignature] = []
    var imports: [WasmImport] = []
    var definedFunctionTypeIndices: [UInt32] = []
    var definedMemories: [MemoryType] = []
    var exports: [WasmExport] = []
    var startFunctionIndex: UInt32?
    var sections: [SectionRecord] = []
    var codeBodyCount: Int?

    /// Type index of every function, imported ones first.
    var functionTypeIndexSpace: [UInt32] = []
    /// Every memory, imported ones first.
    var memoryIndexSpace: [MemoryType] = []

    init(options: WasmInspectionOptions) {
        self.options = options
    }

    func signature(ofFunction index: UInt32) -> FunctionSignature? {
        guard index.saturatingInt < functionTypeIndexSpace.count else { return nil }
        return types[Int(functionTypeIndexSpace[Int(index)])]
    }

    mutating func parse(_ bytes: [UInt8]) throws(WasmInspectionError) -> WasmModuleInfo {
        guard bytes.count <= options.maximumInputSize else {
            throw WasmInspectionError(
                offset: 0, context: .module,
                reason: .inputTooLarge(size: bytes.count, limit: options.maximumInputSize)
            )
        }
        var reader = WasmReader(bytes: bytes, context: .header)
        let version = try Self.readHeader(&reader)

        var lastOrdered: SectionID?
        while !reader.isAtEnd {
            let header = try Self.readSectionHeader(&reader)
            try checkPlacement(of: header, after: lastOrdered)
            if header.id.orderRank != nil { lastOrdered = header.id }

            var content = reader.subReader(count: header.size, context: .section(header.id))
            let customName = try parseSection(header.id, &content)
            guard content.isAtEnd else {
                throw content.error(.sectionSizeMismatch(
                    declaredSize: header.size, usedSize: content.offset - header.contentOffset
                ))
            }
            try reader.skip(header.size)
            sections.append(SectionRecord(
                id: header.id, offset: header.offset, contentOffset: header.contentOffset, size: header.size,
                customName: customName
            ))
        }

        if codeBodyCount == nil && !definedFunctionTypeIndices.isEmpty {
            throw WasmInspectionError(
                offset: bytes.count, context: .module,
                reason: .functionCodeCountMismatch(functions: definedFunctionTypeIndices.count, bodies: nil)
            )
        }

        return WasmModuleInfo(
            version: version,
            types: types,
            imports: imports,
            functionTypeIndices: definedFunctionTypeIndices,
            memories: definedMemories,
            exports: exports,
            startFunctionIndex: startFunctionIndex,
            sections: sections
        )
    }

    private struct SectionHeader {
        var id: SectionID
        var offset: Int
        var contentOffset: Int
        var size: Int
    }

    /// Reads a section's id and size, and checks that the input holds the whole section.
    private static func readSectionHeader(_ reader: inout WasmReader) throws(WasmInspectionError) -> SectionHeader {
        var header = reader.withContext(.sectionHeader)
        let offset = header.offset
        let id = SectionID(rawValue: try header.readByte())
        let sizeOffset = header.offset
        let size = try header.readVarUInt32()
        guard size.saturatingInt <= header.remaining else {
            throw WasmInspectionError(
                offset: sizeOffset, context: .section(id),
                reason: .sectionExceedsInput(declaredSize: size, remainingBytes: header.remaining)
            )
        }
        reader = header.withContext(.module)
        return SectionHeader(id: id, offset: offset, contentOffset: header.offset, size: Int(size))
    }

    /// Non-custom sections must follow the binary format's order, each at most once.
    private func checkPlacement(
        of header: SectionHeader, after last: SectionID?
    ) throws(WasmInspectionError) {
        guard let rank = header.id.orderRank else {
            if header.id.isKnown || options.skipsUnknownSections { return }
            throw WasmInspectionError(
                offset: header.offset, context: .sectionHeader, reason: .unknownSection(id: header.id.rawValue)
            )
        }
        guard let last, let lastRank = last.orderRank, rank <= lastRank else { return }
        throw WasmInspectionError(
            offset: header.offset, context: .section(header.id),
            reason: rank == lastRank ? .duplicateSection : .sectionOutOfOrder(previous: last)
        )
    }

    /// Parses one section's content; returns the name of a custom section.
    private mutating func parseSection(
        _ id: SectionID, _ content: inout WasmReader
    ) throws(WasmInspectionError) -> String? {
        switch id {
        case .custom: return try parseCustomSectionName(&content)
        case .type: try parseTypeSection(&content)
        case .import: try parseImportSection(&content)
        case .function: try parseFunctionSection(&content)
        case .memory: try parseMemorySection(&content)
        case .export: try parseExportSection(&content)
        case .start: try parseStartSection(&content)
        case .code: try parseCodeSectionCount(&content)
        default: content.skipToEnd()
        }
        return nil
    }

    private static func readHeader(_ reader: inout WasmReader) throws(WasmInspectionError) -> UInt32 {
        let bytes = reader.bytes
        let magicPrefix = Array(bytes.prefix(magic.count))
        guard magicPrefix.elementsEqual(magic.prefix(magicPrefix.count)) else {
            throw reader.error(.badMagic(found: magicPrefix), at: 0)
        }
        let headerSize = magic.count + 4
        guard reader.remaining >= headerSize else {
            throw reader.error(.truncated(missingBytes: headerSize - reader.remaining), at: reader.end)
        }
        try reader.skip(magic.count)
        let versionRange = try reader.readBytes(4)
        let version = versionRange.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[$1]) }
        guard version == supportedVersion else {
            throw reader.error(.unsupportedVersion(version), at: versionRange.lowerBound)
        }
        return version
    }
}
