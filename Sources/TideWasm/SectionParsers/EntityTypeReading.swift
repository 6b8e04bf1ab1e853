/// Readers for the type encodings shared by several sections.
extension WasmReader {
    mutating func readValueType() throws(WasmInspectionError) -> ValueType {
        let start = offset
        let byte = try readByte()
        guard let type = ValueType(rawValue: byte) else { throw error(.invalidValueType(byte), at: start) }
        return type
    }

    mutating func readValueTypes() throws(WasmInspectionError) -> [ValueType] {
        let count = try readVectorCount()
        var types: [ValueType] = []
        types.reserveCapacity(count)
        for _ in 0..<count { types.append(try readValueType()) }
        return types
    }

    mutating func readFunctionType() throws(WasmInspectionError) -> FunctionSignature {
        let start = offset
        let form = try readByte()
        guard form == 0x60 else { throw error(.unsupportedTypeForm(form), at: start) }
        let parameters = try readValueTypes()
        let results = try readValueTypes()
        return FunctionSignature(parameters: parameters, results: results)
    }

    mutating func readReferenceType() throws(WasmInspectionError) -> ReferenceType {
        let start = offset
        let byte = try readByte()
        guard let type = ReferenceType(rawValue: byte) else { throw error(.invalidReferenceType(byte), at: start) }
        return type
    }

    /// Limits and the shared flag. 64-bit limits (memory64, table64) are rejected.
    mutating func readLimits(allowsShared: Bool) throws(WasmInspectionError) -> (limits: Limits, isShared: Bool) {
        let start = offset
        let flags = try readByte()
        switch flags {
        case 0x00, 0x01:
            break
        case 0x03 where allowsShared:
            break
        case 0x04...0x07:
            throw error(.unsupported64BitLimits(flags: flags), at: start)
        default:
            throw error(.invalidLimitsFlags(flags), at: start)
        }
        let minimum = try readVarUInt32()
        let maximum: UInt32? = flags & 0x01 != 0 ? try readVarUInt32() : nil
        if let maximum, minimum > maximum {
            throw error(.limitsMinimumExceedsMaximum(minimum: minimum, maximum: maximum), at: start)
        }
        return (Limits(minimum: minimum, maximum: maximum), flags & 0x02 != 0)
    }

    mutating func readMemoryType() throws(WasmInspectionError) -> MemoryType {
        let start = offset
        let (limits, isShared) = try readLimits(allowsShared: true)
        let largest = limits.maximum ?? limits.minimum
        guard largest <= MemoryType.maximumPages else { throw error(.memoryTooLarge(pages: largest), at: start) }
        return MemoryType(limits: limits, isShared: isShared)
    }

    mutating func readTableType() throws(WasmInspectionError) -> TableType {
        let elementType = try readReferenceType()
        let (limits, _) = try readLimits(allowsShared: false)
        return TableType(elementType: elementType, limits: limits)
    }

    mutating func readGlobalType() throws(WasmInspectionError) -> GlobalType {
        let valueType = try readValueType()
        let start = offset
        let mutability = try readByte()
        guard mutability <= 1 else { throw error(.invalidMutability(mutability), at: start) }
        return GlobalType(valueType: valueType, isMutable: mutability == 1)
    }

    /// A type index, checked against the types read so far.
    mutating func readTypeIndex(typeCount: Int) throws(WasmInspectionError) -> UInt32 {
        let start = offset
        let index = try readVarUInt32()
        guard index.saturatingInt < typeCount else {
            throw error(.typeIndexOutOfRange(index: index, typeCount: typeCount), at: start)
        }
        return index
    }
}
