import Foundation
import Logging
import WasmKit

/// `sys`: time, sleeping and printing, offered by every device.
struct SysModule: HostModule {
    /// A guest cannot sleep longer than this per `delay` call.
    static let maximumDelayMilliseconds: UInt32 = 5_000
    static let maximumPrintBytes: UInt32 = 4_096
    /// Sleeping is paid for in fuel, so a guest cannot sleep its way past the fuel limit:
    /// one millisecond costs what about a million instructions would.
    static let fuelPerMillisecond: UInt64 = 1_000_000

    let name = "sys"
    let functions: [HostFunction]

    init(logger: Logger) {
        functions = [
            HostFunction(name: "millis", parameters: [], results: [.i64]) { _, _ in
                [.i64(UInt64(Date().timeIntervalSince1970 * 1000))]
            },
            HostFunction(name: "delay", parameters: [.i32], results: []) { caller, arguments in
                guard case .i32(let raw) = arguments.first else { return [] }
                let milliseconds = min(UInt32(max(0, Int32(bitPattern: raw))), Self.maximumDelayMilliseconds)
                guard milliseconds > 0 else { return [] }
                if var fuel = caller.store.fuel {
                    let cost = UInt64(milliseconds) * Self.fuelPerMillisecond
                    guard fuel.remaining >= cost else {
                        caller.store.fuel = Fuel(remaining: 0)
                        throw HostTrap("sys.delay(\(milliseconds)) needs more fuel than the call has left")
                    }
                    fuel.remaining -= cost
                    caller.store.fuel = fuel
                }
                usleep(milliseconds * 1000)
                return []
            },
            HostFunction(name: "print", parameters: [.i32, .i32], results: []) { caller, arguments in
                guard arguments.count == 2, case .i32(let pointer) = arguments[0], case .i32(let length) = arguments[1] else {
                    return []
                }
                let memory = try GuestMemoryAccess.memory(of: caller)
                let bytes = try GuestMemoryAccess.read(memory, pointer: pointer, length: min(length, Self.maximumPrintBytes))
                logger.info("guest: \(String(decoding: bytes, as: UTF8.self))")
                return []
            },
        ]
    }
}
