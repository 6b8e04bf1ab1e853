/// A bounds-checked cursor over the input. Every read checks the remaining bytes first,
/// so a malformed binary produces an error, never a trap.
struct WasmReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    /// Exclusive bound of this reader: the end of the input or of the current section.
    let end: Int
    let context: WasmInspectionError.Context

    init(bytes: [UInt8], context: WasmInspectionError.Context) {
        self.init(bytes: bytes, offset: 0, end: bytes.count, context: context)
    }

    private init(bytes: [UInt8], offset: Int, end: Int, context: WasmInspectionError.Context) {
        self.bytes = bytes
        self.offset = offset
        self.end = end
        self.context = context
    }

    var remaining: Int { end - offset }
    var isAtEnd: Bool { offset >= end }

    func error(_ reason: WasmInspectionError.Reason, at offset: Int? = nil) -> WasmInspectionError {
        WasmInspectionError(offset: offset ?? self.offset, context: context, reason: reason)
    }

    /// A reader over the next `count` bytes, which the caller has checked are available.
    func subReader(count: Int, context: WasmInspectionError.Context) -> WasmReader {
        WasmReader(bytes: bytes, offset: offset, end: offset + min(count, remaining), context: context)
    }

    /// The same position and bound, reporting errors in another context.
    func withContext(_ context: WasmInspectionError.Context) -> WasmReader {
        WasmReader(bytes: bytes, offset: offset, end: end, context: context)
    }

    mutating func readByte() throws(WasmInspectionError) -> UInt8 {
        guard offset < end else { throw error(.truncated(missingBytes: 1), at: end) }
        let byte = bytes[offset]
        offset += 1
        return byte
    }

    /// The range of the next `count` bytes, consumed.
    mutating func readBytes(_ count: Int) throws(WasmInspectionError) -> Range<Int> {
        guard count <= remaining else {
            throw error(.truncated(missingBytes: count - remaining), at: end)
        }
        let range = offset..<(offset + count)
        offset += count
        return range
    }

    mutating func skip(_ count: Int) throws(WasmInspectionError) {
        _ = try readBytes(count)
    }

    mutating func skipToEnd() {
        offset = end
    }

    /// A vector length, checked against the bytes left: every element takes at least one byte,
    /// so no caller reserves or loops more than the input can hold.
    mutating func readVectorCount() throws(WasmInspectionError) -> Int {
        let start = offset
        let count = try readVarUInt32()
        guard count.saturatingInt <= remaining else {
            throw error(.vectorCountExceedsInput(count: count, remainingBytes: remaining), at: start)
        }
        return Int(count)
    }

    /// A length-prefixed UTF-8 name.
    mutating func readName() throws(WasmInspectionError) -> String {
        string(at: try readNameRange())
    }

    /// The range of a length-prefixed name, checked to be valid UTF-8.
    mutating func readNameRange() throws(WasmInspectionError) -> Range<Int> {
        let length = try readVarUInt32().saturatingInt
        let range = try readBytes(length)
        if let invalidOffset = firstInvalidUTF8Offset(in: range) {
            throw error(.invalidUTF8Name, at: invalidOffset)
        }
        return range
    }

    func string(at range: Range<Int>) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    private func firstInvalidUTF8Offset(in range: Range<Int>) -> Int? {
        var asciiEnd = range.lowerBound
        while asciiEnd < range.upperBound, bytes[asciiEnd] < 0x80 { asciiEnd += 1 }
        if asciiEnd == range.upperBound { return nil }

        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes[asciiEnd..<range.upperBound].makeIterator()
        var position = asciiEnd
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): position += scalar.count
            case .emptyInput: return nil
            case .error: return position
            }
        }
    }
}
