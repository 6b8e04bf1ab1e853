import Dispatch
import Foundation
import Synchronization
import WasmKit
import WasmKitWASI

/// One deployed module, instantiated in its own store with its dependencies linked in. Calls to
/// it run one at a time on its own serial queue, off Swift's cooperative threads, so a guest that
/// loops blocks neither the server nor other modules.
public final class ModuleInstance: @unchecked Sendable {
    public enum Argument: Sendable, Equatable {
        case scalar(Value)
        case bytes([UInt8])
    }

    public struct Outcome: Sendable, Equatable {
        public var values: [Value]
        public var bytes: [UInt8]?
        /// Output mounts the function wrote, by mount name.
        public var outputFiles: [String: [UInt8]] = [:]
        /// Fuel the call used, when fuel is metered.
        public var fuelUsed: UInt64?
    }

    /// Files a call sees (execution mounts, written before it runs) and the output mounts read
    /// back after it; both are removed from the module's directory once the call is over.
    public struct Files: Sendable, Equatable {
        public var inputs: [String: [UInt8]]
        public var outputs: [String]
        public init(inputs: [String: [UInt8]] = [:], outputs: [String] = []) {
            self.inputs = inputs
            self.outputs = outputs
        }
        public static let none = Files()
    }

    public let name: String
    /// Exported functions and their types, readable from any thread.
    public let exports: [String: FunctionType]
    public let filesDirectory: String?
    /// The files of its package in that directory (its mounts): a snapshot leaves them out.
    let packageFiles: Set<String>
    /// Keeps the deployment's files while this instance may still run.
    private let directoryLease: InstanceDirectory?

    let queue: DispatchQueue
    // Touched only on `queue` after init.
    let store: Store
    let instance: Instance
    private let bridges: [WASIBridgeToHost]
    let limits: ExecutionLimits
    /// The size of the exported linear memory, as of the last call (for the metrics).
    let memoryBytes = Atomic<Int>(0)
    /// How long the last snapshot, delta or restore held the module's queue (calls waited), in
    /// nanoseconds; for `Server-Timing`.
    let lastHeldNanoseconds = Atomic<Int>(0)
    /// The memory of the last pre-copy snapshot, kept for the delta that follows it.
    let precopyBase = Mutex<PrecopyBase?>(nil)

    /// The size of the module's exported linear memory in bytes, as of its last call.
    public var linearMemoryBytes: Int { memoryBytes.load(ordering: .relaxed) }

    /// Instantiates `name` and, first, its dependencies (each once, in this module's store).
    /// `modules` holds every parsed module of the deployment by name; `dependencies` the names
    /// each module links to. `package`: tide-bench instantiates modules directly.
    package init(
        name: String, modules: [String: Module], dependencies: [String: [String]], runtime: WasmRuntime,
        filesDirectory: String?, directoryLease: InstanceDirectory? = nil, packageFiles: Set<String> = []
    ) throws(SupervisorError) {
        self.name = name
        self.filesDirectory = filesDirectory
        self.packageFiles = packageFiles
        self.directoryLease = directoryLease
        self.limits = runtime.limits
        queue = DispatchQueue(label: "tide.module.\(name)")
        let store = Store(engine: runtime.engine)
        MemoryLimiter.install(on: store, maxBytes: runtime.limits.maxMemoryBytes)
        self.store = store
        var linker = Linker(
            store: store, modules: modules, dependencies: dependencies, runtime: runtime, filesDirectory: filesDirectory)
        do {
            instance = try linker.instantiate(name)
        } catch {
            linker.closeBridges()
            throw error
        }
        bridges = linker.bridges
        var exports: [String: FunctionType] = [:]
        for (exportName, value) in instance.exports {
            if case .function(let function) = value { exports[exportName] = function.type }
        }
        self.exports = exports
        memoryBytes.store(instance.exports[memory: "memory"]?.byteCount ?? 0, ordering: .relaxed)
    }

    deinit {
        for bridge in bridges { try? bridge.close() }
    }

    /// The store and instance on the module's queue: only for tide-bench.
    package func withInstanceForBenchmark<T>(_ body: (Store, Instance) throws -> T) rethrows -> T {
        try queue.sync { try body(store, instance) }
    }

    /// `call` without the queue hop and the deadline: only for benchmarks.
    package func invokeForBenchmark(_ function: String, arguments: [Argument]) throws(SupervisorError) -> Outcome {
        let result = queue.sync {
            Result { () throws(SupervisorError) -> Outcome in
                try invoke(function, arguments: arguments, bytesResult: false, files: .none)
            }
        }
        return try result.get()
    }

    package var limitsForBenchmark: ExecutionLimits { limits }

    public var hasAlloc: Bool { exports["alloc"] == FunctionType(parameters: [.i32], results: [.i32]) }

    /// Runs `function` on this module's queue. Waits at most `deadline`; a guest still running
    /// then goes on until its fuel runs out, but the caller gets its error at once.
    public func call(
        _ function: String, arguments: [Argument], bytesResult: Bool, files: Files = .none, deadline: Duration
    ) async
        -> Result<Outcome, SupervisorError>
    {
        let once = ResumeOnce<Result<Outcome, SupervisorError>>()
        return await withCheckedContinuation { continuation in
            once.set(continuation)
            let name = self.name
            let timer = DeadlineTimer {
                once.resume(.failure(.executionFailed("\(name).\(function) did not finish within \(deadline); it is being stopped")))
            }
            timer.schedule(after: deadline)
            queue.async {
                let result = Result { () throws(SupervisorError) -> Outcome in
                    try self.invoke(function, arguments: arguments, bytesResult: bytesResult, files: files)
                }
                timer.cancel()
                once.resume(result)
            }
        }
    }

    /// Runs on `queue` only.
    private func invoke(_ functionName: String, arguments: [Argument], bytesResult: Bool, files: Files) throws(SupervisorError)
        -> Outcome
    {
        guard let function = instance.exports[function: functionName] else {
            throw .notFound("module \(name) has no function \(functionName)")
        }
        let mounts = try prepare(files)
        defer { for mount in mounts { try? FileManager.default.removeItem(atPath: mount.path) } }
        defer { memoryBytes.store(instance.exports[memory: "memory"]?.byteCount ?? 0, ordering: .relaxed) }
        var outcome = try run(function, named: functionName, arguments: arguments, bytesResult: bytesResult)
        for mount in mounts where files.outputs.contains(mount.name) && mount.isRegularFile {
            outcome.outputFiles[mount.name] = try mount.read(limit: limits.maxBytes)
        }
        return outcome
    }

    private func prepare(_ files: Files) throws(SupervisorError) -> [ContainedPath] {
        guard !files.inputs.isEmpty || !files.outputs.isEmpty else { return [] }
        guard let filesDirectory else { throw .executionFailed("module \(name) has no file directory") }
        var mounts: [ContainedPath] = []
        for name in Set(files.outputs).union(files.inputs.keys).sorted() {
            let mount = try ContainedPath(directory: filesDirectory, name: name)
            if let bytes = files.inputs[name] {
                try mount.write(bytes)
            } else if mount.isFreeOrRegular {
                try? FileManager.default.removeItem(atPath: mount.path)
            } else {
                throw .executionFailed("output mount \(name) is not a regular file")
            }
            mounts.append(mount)
        }
        return mounts
    }

    private func run(_ function: Function, named functionName: String, arguments: [Argument], bytesResult: Bool)
        throws(SupervisorError) -> Outcome
    {
        if let fuel = limits.fuelPerCall { store.fuel = Fuel(remaining: fuel) }
        do {
            var values: [Value] = []
            for argument in arguments {
                switch argument {
                case .scalar(let value): values.append(value)
                case .bytes(let bytes):
                    let pointer = try place(bytes)
                    values.append(.i32(pointer))
                    values.append(.i32(UInt32(bytes.count)))
                }
            }
            let results = try function(values)
            let fuelUsed = limits.fuelPerCall.flatMap { budget in store.fuel.map { budget - min(budget, $0.remaining) } }
            guard bytesResult else { return Outcome(values: results, bytes: nil, fuelUsed: fuelUsed) }
            guard results.count == 1, case .i64(let packed) = results[0] else {
                throw SupervisorError.executionFailed("\(functionName) did not return one i64 for its bytes result")
            }
            return Outcome(values: results, bytes: try readResult(packed, function: functionName), fuelUsed: fuelUsed)
        } catch let error as SupervisorError {
            throw error
        } catch {
            throw describe(error, function: functionName)
        }
    }

    private func place(_ bytes: [UInt8]) throws -> UInt32 {
        guard bytes.count <= limits.maxBytes else {
            throw SupervisorError.tooLarge("the input of \(bytes.count) bytes is larger than the limit of \(limits.maxBytes)")
        }
        guard let alloc = instance.exports[function: "alloc"], hasAlloc else {
            throw SupervisorError.executionFailed("module \(name) takes bytes but exports no alloc(i32) -> i32")
        }
        let results = try alloc([.i32(UInt32(bytes.count))])
        guard results.count == 1, case .i32(let pointer) = results[0] else {
            throw SupervisorError.executionFailed("alloc of module \(name) returned no pointer")
        }
        guard let memory = instance.exports[memory: "memory"] else {
            throw SupervisorError.executionFailed("module \(name) takes bytes but exports no memory")
        }
        do {
            try GuestMemoryAccess.write(bytes, to: memory, at: pointer)
        } catch {
            throw SupervisorError.executionFailed("alloc of module \(name) returned a pointer outside its memory")
        }
        return pointer
    }

    private func readResult(_ packed: UInt64, function: String) throws -> [UInt8] {
        let (pointer, length) = BytesABI.unpack(packed)
        guard Int(length) <= limits.maxBytes else {
            throw SupervisorError.executionFailed("\(function) returned \(length) bytes, more than the limit of \(limits.maxBytes)")
        }
        guard let memory = instance.exports[memory: "memory"] else {
            throw SupervisorError.executionFailed("module \(name) returns bytes but exports no memory")
        }
        do {
            return try GuestMemoryAccess.read(memory, pointer: pointer, length: length)
        } catch {
            throw SupervisorError.executionFailed("\(function) returned a buffer outside its memory")
        }
    }

    private func describe(_ error: any Error, function: String) -> SupervisorError {
        let line = WasmRuntime.firstLine(error)
        if line.contains("out of fuel") {
            let budget = limits.fuelPerCall.map(String.init) ?? "?"
            return .executionFailed("\(name).\(function) was stopped: it used its whole fuel budget of \(budget) units")
        }
        if error is HostTrap { return .executionFailed("\(name).\(function) failed in a host function: \(error)") }
        return .executionFailed("\(name).\(function) trapped: \(line.replacingOccurrences(of: "Trap: ", with: ""))")
    }
}

/// A one-shot timer on a global queue, cancelled when the call finishes first. Cheaper per call
/// than a sleeping Task. `DispatchWorkItem` is thread-safe but not marked `Sendable`.
final class DeadlineTimer: @unchecked Sendable {
    private let item: DispatchWorkItem

    init(_ action: @escaping @Sendable () -> Void) {
        item = DispatchWorkItem(block: action)
    }

    func schedule(after duration: Duration) {
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: nanoseconds)), execute: item)
    }

    func cancel() { item.cancel() }
}

/// Resumes a continuation exactly once, whichever of several racers comes first.
final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?
    private var pending: T?
    private var done = false

    func set(_ continuation: CheckedContinuation<T, Never>) {
        lock.lock()
        if let pending {
            lock.unlock()
            continuation.resume(returning: pending)
            return
        }
        self.continuation = continuation
        lock.unlock()
    }

    func resume(_ value: T) {
        lock.lock()
        guard !done else {
            lock.unlock()
            return
        }
        done = true
        if let continuation {
            self.continuation = nil
            lock.unlock()
            continuation.resume(returning: value)
        } else {
            pending = value
            lock.unlock()
        }
    }
}
