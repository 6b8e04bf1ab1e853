import Logging
import WasmKit

/// One host function a guest can import, with exactly the registry ABI's signature.
public struct HostFunction: Sendable {
    public let name: String
    public let type: FunctionType
    public let body: @Sendable (borrowing Caller, [Value]) throws -> [Value]

    public init(
        name: String, parameters: [ValueType], results: [ValueType],
        body: @escaping @Sendable (borrowing Caller, [Value]) throws -> [Value]
    ) {
        self.name = name
        self.type = FunctionType(parameters: parameters, results: results)
        self.body = body
    }
}

/// A host capability module (`sys`, `sensor`, `camera`): the import module name guests use and
/// the functions it offers. A real peripheral is one more conforming type registered in
/// `HostModuleCatalog.factories`.
public protocol HostModule: Sendable {
    var name: String { get }
    var functions: [HostFunction] { get }
}

extension HostModule {
    public var qualifiedNames: [String] { functions.map { name + "." + $0.name } }
}

/// What a host function may use of its guest: the memory of the calling instance.
enum GuestMemoryAccess {
    static func memory(of caller: borrowing Caller) throws -> Memory {
        guard let memory = caller.instance?.exports[memory: "memory"] else {
            throw HostTrap("the module exports no memory")
        }
        return memory
    }

    static func read(_ memory: Memory, pointer: UInt32, length: UInt32) throws -> [UInt8] {
        guard BytesABI.fits(pointer: pointer, length: length, memorySize: memory.byteCount) else {
            throw HostTrap("pointer \(pointer) + length \(length) is outside the module's memory")
        }
        return memory.withUnsafeBufferPointer(offset: UInt(pointer), count: Int(length)) { Array($0) }
    }

    static func write(_ bytes: [UInt8], to memory: Memory, at pointer: UInt32) throws {
        guard BytesABI.fits(pointer: pointer, length: UInt32(clamping: bytes.count), memorySize: memory.byteCount) else {
            throw HostTrap("pointer \(pointer) + length \(bytes.count) is outside the module's memory")
        }
        memory.withUnsafeMutableBufferPointer(offset: UInt(pointer), count: bytes.count) { buffer in
            buffer.copyBytes(from: bytes)
        }
    }
}

/// An error raised inside a host function; the guest's call fails with this message.
struct HostTrap: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
