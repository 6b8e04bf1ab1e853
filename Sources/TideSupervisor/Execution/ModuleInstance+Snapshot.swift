import Foundation
import TideLiquid
import TideModel
import Synchronization
import TidePackageFormat
import WasmKit

/// Liquid state: an instance's linear memory and exported mutable globals, taken and put back on
/// its own queue, so no call runs meanwhile (calls queued behind it run after, on the state as it
/// was taken or restored).
extension ModuleInstance {
    /// The instance's state between calls. `moduleDigest` names the module it belongs to.
    public func snapshot(moduleDigest: BlobDigest, limits: SnapshotLimits) async throws(SnapshotError) -> InstanceSnapshot {
        // The copy's pages are mapped in before the queue is taken: calls wait only for the copy.
        let size = linearMemoryBytes
        let prepared = size >= PageFaultAhead.minimumBytes && size <= limits.maxMemoryBytes ? PreparedCopy(count: size) : nil
        return try await snapshot(moduleDigest: moduleDigest, limits: limits, into: prepared)
    }

    /// The snapshot, its memory copied into `prepared` when that has the memory's size.
    func snapshot(moduleDigest: BlobDigest, limits: SnapshotLimits, into prepared: PreparedCopy?) async throws(SnapshotError)
        -> InstanceSnapshot
    {
        let result = await onQueue { () throws(SnapshotError) -> InstanceSnapshot in
            try self.takeSnapshot(moduleDigest: moduleDigest, limits: limits, into: prepared)
        }
        return try result.get()
    }

    /// Puts `snapshot` into this instance (a fresh one of the same module): its memory grows to the
    /// snapshot's size, and its bytes and globals become the snapshot's.
    public func restore(_ snapshot: InstanceSnapshot, moduleDigest: BlobDigest) async throws(SnapshotError) {
        try await restore(StagedState(snapshot), moduleDigest: moduleDigest)
    }

    /// Puts a staged state into this instance; memory it holds in a mapping of its own moves in
    /// without a copy where the instance's memory lies on page boundaries.
    func restore(_ state: StagedState, moduleDigest: BlobDigest) async throws(SnapshotError) {
        let result = await onQueue { () throws(SnapshotError) in
            try self.putBack(state.snapshot, mapped: state.mapped, moduleDigest: moduleDigest)
        }
        try result.get()
    }

    /// Keeps the memory of `snapshot` (this instance's, whose file has `digest`) for `delta`: one
    /// base per instance, replaced by the next, dropped by the delta that uses it.
    public func keepBase(_ snapshot: InstanceSnapshot, digest: BlobDigest) {
        let base = PrecopyBase(digest: digest, memory: snapshot.memory)
        precopyBase.withLock { $0 = base }
        // A move that never came (its runs did not end in time, the server stopped) frees it later.
        queue.asyncAfter(deadline: .now() + Self.baseLifetime) { [weak self] in
            self?.precopyBase.withLock { kept in
                if kept?.digest == digest { kept = nil }
            }
        }
    }

    static let baseLifetime: DispatchTimeInterval = .seconds(300)

    /// How long the last snapshot, delta or restore held the module's queue.
    var lastHeld: Duration { .nanoseconds(lastHeldNanoseconds.load(ordering: .relaxed)) }

    /// The changes since the kept base `base`: the pages that differ from it, taken between calls.
    public func delta(since base: BlobDigest, moduleDigest: BlobDigest, limits: SnapshotLimits) async throws(SnapshotError)
        -> SnapshotDelta
    {
        let kept = precopyBase.withLock { value -> PrecopyBase? in
            let kept = value
            value = nil
            return kept
        }
        guard let kept, kept.digest == base else {
            throw .missingBase(
                "module \(name) keeps no snapshot \(base.hex.prefix(12)) to compare with (it keeps only its last pre-copy, until a delta uses it or for 5 minutes)")
        }
        let result = await onQueue { () throws(SnapshotError) -> SnapshotDelta in
            try self.takeDelta(since: kept, moduleDigest: moduleDigest, limits: limits)
        }
        return try result.get()
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws(SnapshotError) -> T) async -> Result<T, SnapshotError> {
        await withCheckedContinuation { continuation in
            queue.async {
                let started = ContinuousClock.now
                let result = Result { () throws(SnapshotError) -> T in try body() }
                self.lastHeldNanoseconds.store(Int((ContinuousClock.now - started).inNanoseconds), ordering: .relaxed)
                continuation.resume(returning: result)
            }
        }
    }

    /// Runs on `queue` only.
    private func takeSnapshot(moduleDigest: BlobDigest, limits: SnapshotLimits, into prepared: PreparedCopy? = nil) throws(SnapshotError)
        -> InstanceSnapshot
    {
        var memory: [UInt8] = []
        if let exported = instance.exports[memory: "memory"] {
            let count = exported.byteCount
            guard count <= limits.maxMemoryBytes else {
                throw .tooLarge("module \(name) has \(count) bytes of memory, more than the \(limits.maxMemoryBytes) a snapshot may hold")
            }
            // A copy prepared for another size (a call grew the memory meanwhile) is not used.
            if var copy = prepared?.take(), copy.count == count {
                copy.withUnsafeMutableBytes { target in
                    exported.withUnsafeBufferPointer(offset: 0, count: count) { target.copyMemory(from: UnsafeRawBufferPointer($0)) }
                }
                memory = copy
            } else {
                memory = exported.withUnsafeBufferPointer(offset: 0, count: count) { Array($0) }
            }
        }
        let (globals, files) = try globalsAndFiles(limits: limits)
        return InstanceSnapshot(module: name, moduleDigest: moduleDigest, takenAt: Date(), memory: memory, globals: globals, files: files)
    }

    /// Runs on `queue` only.
    private func takeDelta(since base: PrecopyBase, moduleDigest: BlobDigest, limits: SnapshotLimits) throws(SnapshotError)
        -> SnapshotDelta
    {
        var pageCount = 0
        var pages: [SnapshotDelta.Page] = []
        if let exported = instance.exports[memory: "memory"] {
            let count = exported.byteCount
            guard count <= limits.maxMemoryBytes else {
                throw .tooLarge("module \(name) has \(count) bytes of memory, more than the \(limits.maxMemoryBytes) a snapshot may hold")
            }
            pageCount = count / InstanceSnapshot.pageBytes
            pages = exported.withUnsafeBufferPointer(offset: 0, count: count) { current in
                base.memory.withUnsafeBytes { old in Self.changedPages(UnsafeRawBufferPointer(current), since: old) }
            }
        }
        let (globals, files) = try globalsAndFiles(limits: limits)
        return SnapshotDelta(
            base: base.digest, module: name, moduleDigest: moduleDigest, takenAt: Date(), pageCount: pageCount, pages: pages,
            globals: globals, files: files)
    }

    /// The pages of `current` that are not those of `old` (every page past its end). Large memory
    /// is compared in parts on several threads: the compare is in the pause of a pre-copied move.
    static func changedPages(_ current: UnsafeRawBufferPointer, since old: UnsafeRawBufferPointer) -> [SnapshotDelta.Page] {
        let pageCount = current.count / InstanceSnapshot.pageBytes
        let parts = current.count >= parallelCompareBytes ? min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)) : 1
        guard parts > 1 else { return changedPages(current, since: old, in: 0..<pageCount) }
        let perPart = (pageCount + parts - 1) / parts
        let memory = ComparedMemory(current: current, old: old)
        let found = Mutex([[SnapshotDelta.Page]](repeating: [], count: parts))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = min(pageCount, part * perPart)..<min(pageCount, (part + 1) * perPart)
            let pages = changedPages(memory.current, since: memory.old, in: range)
            found.withLock { $0[part] = pages }
        }
        return found.withLock { $0.flatMap { $0 } }
    }

    /// Both memories, only read, while `concurrentPerform` (which returns when every part is done)
    /// compares them.
    private struct ComparedMemory: @unchecked Sendable {
        let current: UnsafeRawBufferPointer
        let old: UnsafeRawBufferPointer
    }

    /// Memory from this size on is compared on several threads.
    static let parallelCompareBytes = 8 << 20

    private static func changedPages(_ current: UnsafeRawBufferPointer, since old: UnsafeRawBufferPointer, in indices: Range<Int>)
        -> [SnapshotDelta.Page]
    {
        let pageBytes = InstanceSnapshot.pageBytes
        var pages: [SnapshotDelta.Page] = []
        for index in indices {
            let range = (index * pageBytes)..<((index + 1) * pageBytes)
            let page = UnsafeRawBufferPointer(rebasing: current[range])
            if range.upperBound <= old.count, let now = page.baseAddress, let before = old.baseAddress,
                memcmp(now, before + range.lowerBound, pageBytes) == 0
            {
                continue
            }
            pages.append(SnapshotDelta.Page(index: index, bytes: Array(page)))
        }
        return pages
    }

    /// Runs on `queue` only.
    private func globalsAndFiles(limits: SnapshotLimits) throws(SnapshotError) -> ([String: SnapshotGlobal], [SnapshotFile]) {
        var globals: [String: SnapshotGlobal] = [:]
        for (exportName, value) in instance.exports {
            guard case .global(let global) = value, Self.isMutable(global) else { continue }
            guard let saved = SnapshotGlobal(global.value) else {
                throw .incompatible("module \(name) exports the mutable global \(exportName) holding a reference or vector, which cannot be carried")
            }
            globals[exportName] = saved
        }
        guard globals.count <= limits.maxGlobals else {
            throw .tooLarge("module \(name) exports \(globals.count) mutable globals, more than \(limits.maxGlobals)")
        }
        let files = try filesDirectory.map { directory throws(SnapshotError) in
            try InstanceFiles.read(directory, excluding: packageFiles, limits: limits)
        } ?? []
        return (globals, files)
    }

    /// Runs on `queue` only.
    private func putBack(_ snapshot: InstanceSnapshot, mapped: MappedMemory?, moduleDigest: BlobDigest) throws(SnapshotError) {
        guard snapshot.moduleDigest == moduleDigest else {
            throw .otherModule(
                "it was taken from \(snapshot.module) with module digest \(snapshot.moduleDigest.hex.prefix(12)), and this instance runs \(name) with \(moduleDigest.hex.prefix(12)): another version")
        }
        var mutable: [String: Global] = [:]
        for (exportName, value) in instance.exports {
            if case .global(let global) = value, Self.isMutable(global) { mutable[exportName] = global }
        }
        guard Set(mutable.keys) == Set(snapshot.globals.keys) else {
            throw .incompatible("its mutable globals (\(snapshot.globals.keys.sorted().joined(separator: ", "))) are not those of \(name) (\(mutable.keys.sorted().joined(separator: ", ")))")
        }
        let exported = instance.exports[memory: "memory"]
        let current = exported?.byteCount ?? 0
        let count = mapped?.count ?? snapshot.memory.count
        guard count >= current else {
            throw .incompatible("its memory (\(count) bytes) is smaller than a fresh instance of \(name) starts with (\(current) bytes)")
        }
        guard exported != nil || count == 0 else {
            throw .incompatible("it holds \(count) bytes of memory, and \(name) exports no memory")
        }
        if count > current, let exported {
            try grow(exported, by: (count - current) / InstanceSnapshot.pageBytes)
        }
        if !snapshot.files.isEmpty {
            guard let filesDirectory else { throw .incompatible("it holds files, and \(name) has no directory of its own") }
            try InstanceFiles.write(snapshot.files, into: filesDirectory)
        }
        if let exported, count > 0 {
            exported.withUnsafeMutableBufferPointer(offset: 0, count: count) { target in
                if let mapped, let base = target.baseAddress, mapped.move(onto: base) { return }
                // The pages just grown are not mapped yet; the others were touched before.
                if count > current { PageFaultAhead.populate(UnsafeMutableRawBufferPointer(rebasing: target[current...])) }
                if let mapped {
                    mapped.withBytes { target.copyMemory(from: UnsafeRawBufferPointer($0)) }
                } else {
                    snapshot.memory.withUnsafeBytes { target.copyMemory(from: $0) }
                }
            }
        }
        for (exportName, saved) in snapshot.globals {
            do {
                try mutable[exportName]?.assign(saved.value)
            } catch {
                throw .incompatible("global \(exportName) of \(name) cannot take the snapshot's \(saved.kind.rawValue): \(error)")
            }
        }
        memoryBytes.store(count, ordering: .relaxed)
    }

    /// Grows `memory` by `pages` through a two-function helper module that imports it: WasmKit
    /// grows memory only from Wasm code. The store's memory limit applies.
    private func grow(_ memory: Memory, by pages: Int) throws(SnapshotError) {
        do {
            let helper = try parseWasm(bytes: Self.growHelper)
            var imports = Imports()
            imports.define(module: "tide", name: "memory", memory)
            let instance = try helper.instantiate(store: store, imports: imports)
            guard let grow = instance.exports[function: "grow"] else { throw SnapshotError.incompatible("the memory helper has no grow") }
            let result = try grow([.i32(UInt32(pages))])
            guard result.first != .i32(UInt32.max) else {
                throw SnapshotError.incompatible(
                    "the memory of \(name) cannot grow to \(memory.byteCount + pages * InstanceSnapshot.pageBytes) bytes (its maximum, or this supervisor's memory limit)")
            }
        } catch let error as SnapshotError {
            throw error
        } catch {
            throw .incompatible("the memory of \(name) cannot grow by \(pages) pages: \(error)")
        }
    }

    private static func isMutable(_ global: Global) -> Bool { (try? global.assign(global.value)) != nil }

    /// `(module (import "tide" "memory" (memory 0)) (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))`
    static let growHelper: [UInt8] = [
        0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F,
        0x02, 0x10, 0x01, 0x04, 0x74, 0x69, 0x64, 0x65, 0x06, 0x6D, 0x65, 0x6D, 0x6F, 0x72, 0x79, 0x02, 0x00, 0x00,
        0x03, 0x02, 0x01, 0x00,
        0x07, 0x08, 0x01, 0x04, 0x67, 0x72, 0x6F, 0x77, 0x00, 0x00,
        0x0A, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0B,
    ]
}

extension SnapshotGlobal {
    /// A scalar global's value; nil for references and vectors.
    init?(_ value: Value) {
        switch value {
        case .i32(let bits): self.init(kind: .i32, bits: UInt64(bits))
        case .i64(let bits): self.init(kind: .i64, bits: bits)
        case .f32(let bits): self.init(kind: .f32, bits: UInt64(bits))
        case .f64(let bits): self.init(kind: .f64, bits: bits)
        default: return nil
        }
    }

    var value: Value {
        switch kind {
        case .i32: .i32(UInt32(truncatingIfNeeded: bits))
        case .i64: .i64(bits)
        case .f32: .f32(UInt32(truncatingIfNeeded: bits))
        case .f64: .f64(bits)
        }
    }
}

/// Memory for a snapshot's copy of an instance's memory, mapped in (and zeroed) before the
/// instance's queue is taken.
final class PreparedCopy: Sendable {
    private let bytes: Mutex<[UInt8]>

    init(count: Int) {
        bytes = Mutex([UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            PageFaultAhead.populate(UnsafeMutableRawBufferPointer(buffer))
            buffer.initialize(repeating: 0)
            initialized = count
        })
    }

    /// The memory, no longer held here (so that writing into it copies nothing).
    func take() -> [UInt8] {
        bytes.withLock { held in
            let taken = held
            held = []
            return taken
        }
    }
}

/// The memory of an instance's last pre-copy snapshot and that file's digest.
struct PrecopyBase: Sendable {
    var digest: BlobDigest
    var memory: [UInt8]
}
