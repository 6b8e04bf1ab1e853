/// Why a binary is not a module the inspector accepts, where, and in which part of it.
public struct WasmInspectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset in the input that the problem refers to.
    public var offset: Int
    public var context: Context
    public var reason: Reason

    public init(offset: Int, context: Context, reason: Reason) {
        self.offset = offset
        self.context = context
        self.reason = reason
    }

    /// The part of the binary being read when the problem was found.
    public enum Context: Sendable, Hashable, CustomStringConvertible {
        case module
        case header
        case sectionHeader
        case section(SectionID)

        public var description: String {
            switch self {
            case .module: "module"
            case .header: "module header"
            case .sectionHeader: "section header"
            case .section(let id): id.description
            }
        }
    }

    public enum Reason: Sendable, Hashable {
        case inputTooLarge(size: Int, limit: Int)
        case truncated(missingBytes: Int)
        case badMagic(found: [UInt8])
        case unsupportedVersion(UInt32)
        case leb128TooLong
        case leb128Overflow
        case vectorCountExceedsInput(count: UInt32, remainingBytes: Int)
        case sectionExceedsInput(declaredSize: UInt32, remainingBytes: Int)
        case sectionSizeMismatch(declaredSize: Int, usedSize: Int)
        case sectionOutOfOrder(previous: SectionID)
        case duplicateSection
        case unknownSection(id: UInt8)
        case invalidValueType(UInt8)
        case unsupportedTypeForm(UInt8)
        case invalidReferenceType(UInt8)
        case invalidExternalKind(UInt8)
        case invalidLimitsFlags(UInt8)
        case unsupported64BitLimits(flags: UInt8)
        case limitsMinimumExceedsMaximum(minimum: UInt32, maximum: UInt32)
        case memoryTooLarge(pages: UInt32)
        case invalidMutability(UInt8)
        case invalidTagAttribute(UInt8)
        case invalidUTF8Name
        case typeIndexOutOfRange(index: UInt32, typeCount: Int)
        case functionIndexOutOfRange(index: UInt32, functionCount: Int)
        case memoryIndexOutOfRange(index: UInt32, memoryCount: Int)
        case duplicateExportName(String)
        case invalidStartFunctionType(index: UInt32, signature: FunctionSignature)
        case functionCodeCountMismatch(functions: Int, bodies: Int?)
    }

    /// A one-line human explanation that includes the offset.
    public var message: String {
        let at = "at byte \(offset)"
        let inContext = "\(at) in the \(context)"
        switch reason {
        case .inputTooLarge(let size, let limit):
            return "input of \(size) bytes exceeds the maximum module size of \(limit) bytes"
        case .truncated(let missing):
            return "truncated \(context) \(at): expected \(missing) more \(plural(missing, "byte"))"
        case .badMagic(let found):
            return "not a WebAssembly module: expected the magic bytes 00 61 73 6D \(at), found \(hex(found))"
        case .unsupportedVersion(let version):
            if version & 0xFFFF_0000 != 0 {
                return "unsupported binary \(at): this looks like a WebAssembly component " +
                    "(version field 0x\(String(version, radix: 16))), only core modules (version 1) are supported"
            }
            return "unsupported WebAssembly version \(version) \(at): only version 1 is supported"
        case .leb128TooLong:
            return "LEB128 integer \(inContext) is longer than 5 bytes"
        case .leb128Overflow:
            return "LEB128 integer \(inContext) overflows 32 bits"
        case .vectorCountExceedsInput(let count, let remaining):
            return "vector count \(count) \(at) exceeds the remaining \(remaining) \(plural(remaining, "byte")) " +
                "of the \(context)"
        case .sectionExceedsInput(let size, let remaining):
            return "truncated \(context) \(at): its declared size of \(size) \(plural(size.saturatingInt, "byte")) " +
                "exceeds the remaining \(remaining) \(plural(remaining, "byte")) of input"
        case .sectionSizeMismatch(let declared, let used):
            return "\(context) declares \(declared) \(plural(declared, "byte")) but its content ends \(at) " +
                "after \(used), leaving \(declared - used) unread"
        case .sectionOutOfOrder(let previous):
            return "\(context) \(at) is out of order: it must come before the \(previous)"
        case .duplicateSection:
            return "duplicate \(context) \(at)"
        case .unknownSection(let id):
            return "unknown section id \(id) \(at)"
        case .invalidValueType(let byte):
            return "invalid value type \(hex(byte)) \(inContext)"
        case .unsupportedTypeForm(let byte):
            return "unsupported type form \(hex(byte)) \(inContext): only function types (0x60) are supported"
        case .invalidReferenceType(let byte):
            return "invalid table element type \(hex(byte)) \(inContext): " +
                "expected funcref (0x70) or externref (0x6F)"
        case .invalidExternalKind(let byte):
            let entry = context == .section(.import) ? "import" : "export"
            return "invalid \(entry) kind \(hex(byte)) \(inContext)"
        case .invalidLimitsFlags(let flags):
            return "invalid limits flags \(hex(flags)) \(inContext)"
        case .unsupported64BitLimits(let flags):
            return "64-bit limits (memory64/table64, flags \(hex(flags))) \(inContext) are not supported"
        case .limitsMinimumExceedsMaximum(let minimum, let maximum):
            return "limits minimum \(minimum) exceeds the maximum \(maximum) \(inContext)"
        case .memoryTooLarge(let pages):
            return "memory size of \(pages) pages \(inContext) exceeds the limit of " +
                "\(MemoryType.maximumPages) pages (4 GiB)"
        case .invalidMutability(let byte):
            return "invalid global mutability \(hex(byte)) \(inContext): expected 0x00 or 0x01"
        case .invalidTagAttribute(let byte):
            return "invalid tag attribute \(hex(byte)) \(inContext): expected 0x00"
        case .invalidUTF8Name:
            return "name is not valid UTF-8 \(inContext)"
        case .typeIndexOutOfRange(let index, let count):
            return "type index \(index) \(inContext) is out of range: " +
                "the module has \(count) \(plural(count, "type"))"
        case .functionIndexOutOfRange(let index, let count):
            return "function index \(index) \(inContext) is out of range: " +
                "the module has \(count) \(plural(count, "function"))"
        case .memoryIndexOutOfRange(let index, let count):
            return "memory index \(index) \(inContext) is out of range: " +
                "the module has \(count) \(plural(count, "memory", "memories"))"
        case .duplicateExportName(let name):
            return "duplicate export name \(quotedWAT(name)) \(at)"
        case .invalidStartFunctionType(let index, let signature):
            return "start function \(index) \(at) has type \(signature.watDescription), expected (func)"
        case .functionCodeCountMismatch(let functions, let bodies):
            let declared = "the function section declares \(functions) \(plural(functions, "function"))"
            guard let bodies else { return "\(declared) but the module has no code section (it ends \(at))" }
            return "\(declared) but the code section \(at) has \(bodies) \(plural(bodies, "body", "bodies"))"
        }
    }

    public var description: String { message }
}

private func plural(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    count == 1 ? singular : plural ?? singular + "s"
}

private func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return "0x" + (digits.count == 1 ? "0" + digits : digits)
}

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { hex($0).dropFirst(2) }.joined(separator: " ")
}
