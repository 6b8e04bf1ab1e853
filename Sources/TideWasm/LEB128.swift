extension WasmReader {
    /// An unsigned LEB128 integer of at most 32 bits (at most 5 bytes, unused bits zero).
    mutating func readVarUInt32() throws(WasmInspectionError) -> UInt32 {
        let start = offset
        var result: UInt32 = 0
        var shift: UInt32 = 0
        while true {
            let byte = try readByte()
            if shift == 28 {
                if byte & 0x80 != 0 { throw error(.leb128TooLong, at: start) }
                if byte & 0x70 != 0 { throw error(.leb128Overflow, at: start) }
            }
            result |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }
}
